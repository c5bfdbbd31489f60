/**
 * Memory-mapped storage for vhd4j: reads of VHD images as memory copies instead of system calls.
 *
 * <p>The core engine reads image files with positional {@link java.nio.channels.FileChannel}
 * reads, one system call per read. With this module (artifact {@code vhd4j-mmap}) on the class
 * path, opening with {@link io.github.vhd4j.StorageMode#MAPPED} maps each file of the chain once,
 * read-only, and every read after that, whether of the footer, the block allocation table, a
 * sector bitmap or guest data, is a copy out of the page cache. That pays off for bulk and random
 * reads of large images; for a handful of reads the cost of mapping dominates. Core finds the
 * module through {@link java.util.ServiceLoader}, so no code refers to it: select it with
 * {@link io.github.vhd4j.mmap.MappedStorage#options()}, with
 * {@code OpenOptions.defaults().withStorage(StorageMode.MAPPED)}, or for a whole application with
 * the system property {@code vhd4j.storage=mapped} ({@link io.github.vhd4j.OpenOptions#STORAGE_PROPERTY}).
 *
 * <h2>Chunks and limits</h2>
 *
 * <p>A file is mapped in chunks of {@link io.github.vhd4j.OpenOptions#mapChunkSize()} bytes (a
 * power of two, 1 GiB by default), so a file of any size can be mapped; a read that crosses a chunk
 * boundary is split transparently. The mappings cost address space, not memory: the kernel loads
 * pages when they are read and may drop them again. Each chunk is one kernel mapping, and Linux
 * limits a process to {@code vm.max_map_count} of them (the JVM needs them too), so this module
 * keeps the mappings of all open images to half of that limit.
 *
 * <h2>Fallback</h2>
 *
 * <p>Mapping is an optimisation, never a requirement. When the module is missing, a file cannot
 * be mapped (address space or mapping budget exhausted, a file system without mmap), the image is
 * read through a file channel, and {@link io.github.vhd4j.VhdImage#getWarnings()} holds a
 * {@link io.github.vhd4j.ProblemCode#STORAGE_FALLBACK} warning with the reason. Images opened for
 * writing are never mapped: their files grow as blocks are allocated, and writes go through a file
 * channel.
 *
 * <h2>Zero-copy views</h2>
 *
 * <p>With mapped storage, {@link io.github.vhd4j.VhdImage#view(long, int)} lends a read-only
 * {@link java.nio.ByteBuffer} over the file's own memory when the requested range is stored in
 * one piece; it returns null otherwise (an unallocated range, one split across blocks or chain
 * levels), and the range is then read with {@code readFully}:
 *
 * <pre>{@code
 * byte[] head = new byte[4096];
 * boolean zeroCopy;
 * try (VhdImage image = Vhd.open(disk, MappedStorage.options())) {
 *   ByteBuffer view = image.view(0, head.length);   // the mapped file itself; nothing is copied
 *   zeroCopy = view != null;
 *   if (view != null) {
 *     view.get(head);
 *   } else {
 *     image.readFully(0, ByteBuffer.wrap(head));   // not stored in one piece: copy it
 *   }
 * }
 * }</pre>
 *
 * <h2>Files cut while mapped</h2>
 *
 * <p>An image file that another program cuts shorter while it is mapped (vhd4j's locks keep QEMU
 * and other vhd4j processes from doing it, not {@code truncate} or a copy over the file) makes the
 * read that needs the missing pages fail with a {@link io.github.vhd4j.VhdException} naming the file
 * and its new length, on whatever thread reads it; the image still closes. The JVM reports such a
 * page as an {@link InternalError} raised at the thread's next return from the VM rather than at
 * the copy, so a mapped read whose copy may have faulted makes one such return before it
 * completes, and turns the error into that exception. Views ({@code VhdImage.view}) are read by the caller's code, where vhd4j
 * cannot catch it: a view of a page that was cut away raises the {@code InternalError} there.
 *
 * <h2>Closing and threads</h2>
 *
 * <p>Reads of a mapped image are thread-safe, as for any image. Closing the image waits for reads
 * in flight and then unmaps its files at once, through the foreign-memory API on JDK 22 and later
 * and through the {@code jdk.unsupported} module before that
 * ({@link io.github.vhd4j.mmap.MappedStorage#isUnmapSupported()}), so a closed image frees its
 * address space at once rather than at some later garbage collection. A read that
 * races with close fails with {@link java.lang.IllegalStateException} instead of touching unmapped
 * memory. Views must not be used after close: on JDK 22 and later they throw
 * {@link java.lang.IllegalStateException}, before that they keep their memory until they are
 * garbage.
 */
@NullMarked
package io.github.vhd4j.mmap;

import org.jspecify.annotations.NullMarked;
