package io.github.vhd4j;

import java.util.UUID;

/**
 * An entry of the VHDX region table (MS-VHDX 2.2.3.2).
 *
 * @param guid the region's identifier
 * @param name "BAT", "metadata", or the GUID in braces for a region this library does not know
 * @param fileOffset where it starts, a multiple of 1 MiB
 * @param length its length in bytes, a multiple of 1 MiB
 * @param required the IsRequired bit: a reader that does not know the region must refuse the file
 */
public record VhdxRegion(UUID guid, String name, long fileOffset, long length, boolean required) {}
