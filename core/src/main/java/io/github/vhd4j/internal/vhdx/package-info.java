/**
 * VHDX: the parsers of the file identifier, headers, region tables, metadata and parent locator,
 * the log's scan and replay (in memory for reads, into the file for repair), the block allocation
 * table with its sector bitmaps, the layer, gate and chain walk. Not API; may change at any time.
 */
@NullMarked
package io.github.vhd4j.internal.vhdx;

import org.jspecify.annotations.NullMarked;
