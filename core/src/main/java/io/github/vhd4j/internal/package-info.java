/**
 * Implementation shared by every format: the read engine, extent mapping, chains of layers, parent
 * search, problems, conversion from any image, and the fields, places and sectors every format's
 * descriptors are made of; VHD's side is in {@code vhd}, VHDX's in {@code vhdx}. Not API; may
 * change at any time.
 */
@NullMarked
package io.github.vhd4j.internal;

import org.jspecify.annotations.NullMarked;
