package io.github.vhd4j;

import java.util.UUID;

/**
 * An entry of the VHDX metadata table (MS-VHDX 2.6.1.2).
 *
 * @param itemId the item's identifier
 * @param name the item's name when the specification or Windows defines it, else the GUID in braces
 * @param offset from the metadata region's start
 * @param length in bytes; zero for an item that is present but empty
 * @param user the IsUser flag
 * @param virtualDisk the IsVirtualDisk flag
 * @param required the IsRequired flag
 * @param known true when this library knows the item
 */
public record VhdxMetadataItem(UUID itemId, String name, long offset, long length, boolean user,
    boolean virtualDisk, boolean required, boolean known) {}
