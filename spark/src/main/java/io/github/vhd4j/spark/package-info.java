/**
 * A Spark 4 data source for VHD and VHDX images, registered as {@code format("vhd")}: one row per
 * image with its metadata and problems ({@code images} mode), the allocation map
 * ({@code extents}), or allocated content in chunks, one image split into many tasks along block
 * boundaries ({@code content}). Images are read through Hadoop file systems by the
 * {@code vhd4j-hadoop} module.
 */
@NullMarked
package io.github.vhd4j.spark;

import org.jspecify.annotations.NullMarked;
