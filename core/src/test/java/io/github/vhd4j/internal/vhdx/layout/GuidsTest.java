package io.github.vhd4j.internal.vhdx.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** GUIDs in Microsoft's binary form, whatever the buffer's byte order (MS-VHDX section 2). */
class GuidsTest {
  /** The BAT region's GUID as every VHDX file stores it (vhdx.md section 0). */
  private static final byte[] BAT_ON_DISK = HexFormat.of().parseHex("6677c22d23f600429d64115e9bfd4a08");

  @Test
  void shouldReadTheBatRegionGuidFromItsStoredBytesInEitherOrder() {
    for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      ByteBuffer b = ByteBuffer.allocate(20).order(order);
      b.put(3, BAT_ON_DISK);
      assertEquals(Guids.BAT_REGION, Guids.get(b, 3), order.toString());
    }
  }

  @Test
  void shouldWriteTheStoredBytesInEitherOrder() {
    for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      ByteBuffer b = ByteBuffer.allocate(16).order(order);
      Guids.put(b, 0, Guids.BAT_REGION);
      assertArrayEquals(BAT_ON_DISK, b.array(), order.toString());
    }
  }

  @Test
  void shouldNameKnownGuidsAndBraceOthers() {
    assertEquals("Virtual Disk Size", Guids.name(Guids.VIRTUAL_DISK_SIZE));
    assertEquals("{2dc27766-f623-4200-9d64-115e9bfd4a09}",
        Guids.name(java.util.UUID.fromString("2DC27766-F623-4200-9D64-115E9BFD4A09")));
  }
}
