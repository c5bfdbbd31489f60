/** Implementation of memory-mapped storage. Not API; may change at any time. */
@NullMarked
package io.github.vhd4j.mmap.internal;

import org.jspecify.annotations.NullMarked;
