/**
 * The on-disk layout of every VHDX structure (MS-VHDX): one class per structure with its fields'
 * names, offsets and sizes, little-endian access, GUIDs and CRC-32C. The only place a VHDX
 * structure offset is written.
 */
@NullMarked
package io.github.vhd4j.internal.vhdx.layout;

import org.jspecify.annotations.NullMarked;
