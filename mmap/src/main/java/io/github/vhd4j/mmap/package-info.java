/**
 * Memory-mapped storage for vhd4j: with this module on the class path,
 * {@code OpenOptions.withStorage(StorageMode.MAPPED)} maps each image file once and reads become
 * memory copies. See {@link io.github.vhd4j.mmap.MappedStorage}.
 */
@NullMarked
package io.github.vhd4j.mmap;

import org.jspecify.annotations.NullMarked;
