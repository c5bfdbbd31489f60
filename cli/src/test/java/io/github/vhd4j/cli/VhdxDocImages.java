package io.github.vhd4j.cli;


import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * VHDX files for the documentation's tests: fixed and dynamic ones qemu-img makes, and a
 * differencing child, which qemu-img cannot make, made from a dynamic one by setting HasParent
 * and adding a Parent Locator item (MS-VHDX 2.6.2.1, 2.6.2.6). The metadata region carries no
 * checksum, so nothing else changes. 7-Zip and libvhdi read such a child through its parent.
 */
final class VhdxDocImages {
  /** MS-VHDX 2.2.3: the region tables start at 192 KiB; a table's header is 16 bytes, an entry 32. */
  private static final int REGION_TABLE = 192 * 1024;
  private static final int REGION_ENTRY_COUNT = 8;
  private static final int REGION_ENTRIES = 16;
  private static final int REGION_ENTRY_SIZE = 32;
  private static final int REGION_ENTRY_OFFSET = 16;
  /** MS-VHDX 2.6.1: the metadata table's header is 32 bytes, an entry 32. */
  private static final int METADATA_ENTRY_COUNT = 10;
  private static final int METADATA_ENTRIES = 32;
  private static final int METADATA_ENTRY_SIZE = 32;
  private static final int ITEM_OFFSET = 16;
  private static final int ITEM_LENGTH = 20;
  private static final int ITEM_FLAGS = 24;
  private static final int IS_REQUIRED = 4;
  /** File Parameters: the flags word at item offset 4, HasParent its bit 1. */
  private static final int FILE_PARAMETERS_FLAGS = 4;
  private static final int HAS_PARENT = 2;
  /** MS-VHDX 2.6.2.6: the locator's header is 20 bytes, a key-value entry 12. */
  private static final int LOCATOR_HEADER = 20;
  private static final int LOCATOR_ENTRY = 12;
  /** MS-VHDX 2.2.2: the headers at 64 KiB and 128 KiB; sequence number at 8, DataWriteGuid at 32. */
  private static final int[] HEADERS = {64 * 1024, 128 * 1024};
  private static final int SEQUENCE = 8;
  private static final int DATA_WRITE_GUID = 32;

  private static final UUID METADATA_REGION = UUID.fromString("8B7CA206-4790-4B9A-B8FE-575F050F886E");
  private static final UUID FILE_PARAMETERS = UUID.fromString("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
  private static final UUID PARENT_LOCATOR = UUID.fromString("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");
  private static final UUID VHDX_LOCATOR_TYPE = UUID.fromString("B04AEFB7-D19E-4A81-B789-25B8E9445913");

  private VhdxDocImages() {}

  /** Skips unless qemu-img and qemu-io are installed; fails instead with VHD4J_PEERS_REQUIRED=1. */
  static void requireQemu() {
    QemuTool.require();
  }

  /**
   * An 8 MiB VHDX in 1 MiB blocks with 0xab in its second block.
   *
   * @param file the new file
   * @param subformat "fixed" or "dynamic"
   * @return the file
   */
  static Path qemu(Path file, String subformat) throws IOException, InterruptedException {
    QemuTool.exec("qemu-img", "create", "-q", "-f", "vhdx", "-o", "subformat=" + subformat + ",block_size=1M",
        file.toString(), "8M");
    QemuTool.exec("qemu-io", "-f", "vhdx", "-c", "write -P 0xab 1M 1M", file.toString());
    return file;
  }

  /**
   * A differencing child of {@code base} in the same directory, naming it by its file name in
   * {@code relative_path} (as Windows writes it, {@code .\name}) and by its DataWriteGuid.
   *
   * @param base a VHDX of 8 MiB in 1 MiB blocks
   * @param file the new child
   * @return the child
   */
  static Path child(Path base, Path file) throws IOException, InterruptedException {
    // Blocks NOT_PRESENT (state 0), so that they fall through to the parent.
    QemuTool.exec("qemu-img", "create", "-q", "-f", "vhdx", "-o", "subformat=dynamic,block_size=1M,block_state_zero=off",
        file.toString(), "8M");
    ByteBuffer f = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    String linkage = "{" + dataWriteGuid(base) + "}";
    String relative = ".\\" + base.getFileName();

    long metadata = -1;
    for (int i = 0; i < f.getInt(REGION_TABLE + REGION_ENTRY_COUNT); i++) {
      int e = REGION_TABLE + REGION_ENTRIES + REGION_ENTRY_SIZE * i;
      if (guid(f, e).equals(METADATA_REGION)) {
        metadata = f.getLong(e + REGION_ENTRY_OFFSET);
      }
    }
    int m = Math.toIntExact(metadata);
    int count = Short.toUnsignedInt(f.getShort(m + METADATA_ENTRY_COUNT));
    int end = 0;
    for (int i = 0; i < count; i++) {
      int e = m + METADATA_ENTRIES + METADATA_ENTRY_SIZE * i;
      int offset = f.getInt(e + ITEM_OFFSET);
      end = Math.max(end, offset + f.getInt(e + ITEM_LENGTH));
      if (guid(f, e).equals(FILE_PARAMETERS)) {
        int flags = m + offset + FILE_PARAMETERS_FLAGS;
        f.putInt(flags, f.getInt(flags) | HAS_PARENT);
      }
    }
    byte[] locator = locator(new String[] {"parent_linkage", linkage, "relative_path", relative});
    int at = (end + 7) & ~7;
    f.put(m + at, locator);
    int e = m + METADATA_ENTRIES + METADATA_ENTRY_SIZE * count;
    putGuid(f, e, PARENT_LOCATOR);
    f.putInt(e + ITEM_OFFSET, at).putInt(e + ITEM_LENGTH, locator.length).putInt(e + ITEM_FLAGS, IS_REQUIRED);
    f.putShort(m + METADATA_ENTRY_COUNT, (short) (count + 1));
    Files.write(file, f.array());
    return file;
  }

  /** The current header's DataWriteGuid: the valid copy with the greater sequence number. */
  private static UUID dataWriteGuid(Path vhdx) throws IOException {
    ByteBuffer f = ByteBuffer.wrap(Files.readAllBytes(vhdx)).order(ByteOrder.LITTLE_ENDIAN);
    int current = Long.compareUnsigned(f.getLong(HEADERS[0] + SEQUENCE), f.getLong(HEADERS[1] + SEQUENCE)) > 0
        ? HEADERS[0] : HEADERS[1];
    return guid(f, current + DATA_WRITE_GUID);
  }

  /** A VHDX parent locator with the given keys and values (UTF-16LE, stored after the entries). */
  private static byte[] locator(String[] keysAndValues) {
    int pairs = keysAndValues.length / 2;
    int strings = 0;
    for (String s : keysAndValues) {
      strings += s.getBytes(StandardCharsets.UTF_16LE).length;
    }
    ByteBuffer b = ByteBuffer.allocate(LOCATOR_HEADER + LOCATOR_ENTRY * pairs + strings)
        .order(ByteOrder.LITTLE_ENDIAN);
    putGuid(b, 0, VHDX_LOCATOR_TYPE);
    b.putShort(18, (short) pairs);
    int text = LOCATOR_HEADER + LOCATOR_ENTRY * pairs;
    for (int i = 0; i < pairs; i++) {
      byte[] k = keysAndValues[2 * i].getBytes(StandardCharsets.UTF_16LE);
      byte[] v = keysAndValues[2 * i + 1].getBytes(StandardCharsets.UTF_16LE);
      int entry = LOCATOR_HEADER + LOCATOR_ENTRY * i;
      b.putInt(entry, text).putInt(entry + 4, text + k.length)
          .putShort(entry + 8, (short) k.length).putShort(entry + 10, (short) v.length);
      b.put(text, k).put(text + k.length, v);
      text += k.length + v.length;
    }
    return b.array();
  }

  /** MS-VHDX GUIDs: the first three fields little-endian, the last eight bytes as written. */
  private static UUID guid(ByteBuffer b, int at) {
    long high = (Integer.toUnsignedLong(b.getInt(at)) << 32) | (Short.toUnsignedLong(b.getShort(at + 4)) << 16)
        | Short.toUnsignedLong(b.getShort(at + 6));
    return new UUID(high, b.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(at + 8));
  }

  private static void putGuid(ByteBuffer b, int at, UUID id) {
    long high = id.getMostSignificantBits();
    b.putInt(at, (int) (high >>> 32)).putShort(at + 4, (short) (high >>> 16)).putShort(at + 6, (short) high);
    b.duplicate().order(ByteOrder.BIG_ENDIAN).putLong(at + 8, id.getLeastSignificantBits());
  }

}
