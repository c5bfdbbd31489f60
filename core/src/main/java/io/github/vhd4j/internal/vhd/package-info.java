/**
 * VHD: the footer's location, the parsers of the footer, dynamic header, parent locators and block
 * allocation table, the layer, gate and chain walk, the writer and the maintenance operations. Not
 * API; may change at any time.
 */
@NullMarked
package io.github.vhd4j.internal.vhd;

import org.jspecify.annotations.NullMarked;
