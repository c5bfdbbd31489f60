package io.github.vhd4j;


/**
 * All the sizes a footer records and the one the size policy chose.
 *
 * @param virtualSize the size of the disk as read through this library, in bytes
 * @param source which field {@code virtualSize} comes from
 * @param policy the policy that chose it
 * @param currentSize footer current size (offset 48)
 * @param originalSize footer original size (offset 40)
 * @param chsSize the capacity of the footer geometry (offset 56)
 */
public record SizeInfo(
    long virtualSize, SizeSource source, SizePolicy policy, long currentSize, long originalSize, long chsSize) {

}
