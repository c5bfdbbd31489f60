/**
 * vhd4j: strict, fast reading of Microsoft VHD disk images (fixed, dynamic and differencing).
 *
 * <h2>The format in brief</h2>
 *
 * <p>Every VHD ends with a 512-byte <em>footer</em> ({@link io.github.vhd4j.Footer}) that gives
 * the disk type, its size (twice: as a CHS geometry and as the current size) and a UUID. A
 * <em>fixed</em> disk is the guest data followed by the footer. A <em>dynamic</em> disk keeps a
 * copy of the footer at offset 0, a 1024-byte <em>dynamic header</em>
 * ({@link io.github.vhd4j.DynamicHeader}) and a <em>block allocation table</em> (BAT) of 32-bit
 * sector offsets, one per block of the virtual disk. Each allocated block is a sector bitmap
 * followed by the block's data; unallocated blocks read as zeros. A <em>differencing</em> disk is a
 * dynamic disk whose bitmap bits say which sectors it holds; the other sectors come from its
 * <em>parent</em>, found through the header's parent locators, forming a chain.
 *
 * <h2>Validation</h2>
 *
 * <p>{@link io.github.vhd4j.Vhd#open} is strict by default: any error-level
 * {@link io.github.vhd4j.Problem} throws {@link io.github.vhd4j.VhdFormatException}, which names
 * the structure, field, file offset, expected and actual value. {@link
 * io.github.vhd4j.OpenOptions#withLenient(boolean) Lenient} opening accepts errors that leave the
 * content unambiguous and lists them in {@link io.github.vhd4j.VhdImage#getWarnings()}. {@link
 * io.github.vhd4j.Vhd#check} never throws for format problems; it returns every problem in a
 * {@link io.github.vhd4j.ValidationReport}.
 *
 * <h2>Size policy</h2>
 *
 * <p>Tools disagree on whether the CHS geometry or the current size is the disk size; {@link
 * io.github.vhd4j.SizePolicy} chooses, defaulting to QEMU 10's rule, and {@link
 * io.github.vhd4j.SizeInfo} reports all three sizes.
 */
@NullMarked
package io.github.vhd4j;

import org.jspecify.annotations.NullMarked;
