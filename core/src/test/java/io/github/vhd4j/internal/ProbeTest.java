package io.github.vhd4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.DiskFormat;
import io.github.vhd4j.internal.vhd.ArrayStorage;
import io.github.vhd4j.testing.ForeignImages;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Probe} and {@link Signatures} on storage that throws on any read past its end: a file
 * cut anywhere probes without such a read, and a signature counts only when it fits whole.
 */
class ProbeTest {
  private static final Map<DiskFormat, byte[]> FOREIGN = Map.of(
      DiskFormat.VHDX, ForeignImages.vhdx(),
      DiskFormat.QCOW2, ForeignImages.qcow2(1 << 20),
      DiskFormat.VMDK, ForeignImages.vmdkSparse(1 << 20),
      DiskFormat.VDI, ForeignImages.vdi(1 << 20),
      DiskFormat.ISO, ForeignImages.iso());

  private static DiskFormat detect(byte[] file) throws IOException {
    return Probe.detect(new ArrayStorage(file));
  }

  @Test
  void shouldNeverReadPastTheEndOfACutFile() throws IOException {
    for (Map.Entry<DiskFormat, byte[]> e : FOREIGN.entrySet()) {
      byte[] whole = e.getValue();
      int needed = signatureEnd(e.getKey());
      for (int len : lengths(whole.length, needed)) {
        DiskFormat found = detect(Arrays.copyOf(whole, len));
        assertEquals(len >= needed ? e.getKey() : DiskFormat.RAW, found, e.getKey() + " cut to " + len);
      }
    }
    byte[] vhd = TestImage.dynamic(1 << 20, 512 * 1024).toBytes();
    for (int len = 0; len <= vhd.length; len += 7) {
      detect(Arrays.copyOf(vhd, len));
    }
  }

  /** Every length around the signature's end, around the footer sizes, and the whole file. */
  private static int[] lengths(int whole, int needed) {
    Set<Integer> out = new HashSet<>();
    for (int d = -70; d <= 70; d++) {
      for (int around : new int[] {0, needed, 511, 1024, whole}) {
        int len = around + d;
        if (len >= 0 && len <= whole) {
          out.add(len);
        }
      }
    }
    return out.stream().mapToInt(Integer::intValue).sorted().toArray();
  }

  /** The end of the first signature of the format, in the order the table is searched. */
  private static int signatureEnd(DiskFormat f) {
    for (Signatures.Signature s : Signatures.ALL) {
      if (s.format() == f) {
        return Math.toIntExact(s.offset() + s.bytes().length);
      }
    }
    throw new AssertionError(f);
  }

  @Test
  void shouldFindTheVhdFooterBeforeAnySignature() throws IOException {
    for (byte[] guest : FOREIGN.values()) {
      TestImage fixed = TestImage.fixed(Math.max(guest.length, 512) + 511L & ~511L).write(0, guest);
      assertEquals(DiskFormat.VHD, detect(fixed.toBytes()));
    }
  }

  @Test
  void shouldCallADamagedVhdAVhd() throws IOException {
    TestImage fixed = TestImage.fixed(64 * 1024);
    fixed.footerChecksum = 7L;
    byte[] bytes = fixed.toBytes();
    assertFalse(Probe.probe(new ArrayStorage(bytes)), "not a valid footer");
    assertTrue(Probe.hasCookie(new ArrayStorage(bytes)));
    assertEquals(DiskFormat.VHD, detect(bytes));
  }

  @Test
  void shouldFindTheShortFooterAndTheHeadCopy() throws IOException {
    TestImage shortFooter = TestImage.fixed(64 * 1024);
    shortFooter.shortFooter = true;
    assertTrue(Probe.probe(new ArrayStorage(shortFooter.toBytes())));
    TestImage noTail = TestImage.dynamic(1 << 20, 512 * 1024);
    noTail.tailFooter = false;
    byte[] bytes = noTail.toBytes();
    assertTrue(Probe.probe(new ArrayStorage(bytes)));
    assertEquals(DiskFormat.VHD, detect(bytes));
  }

  @Test
  void shouldMarkOnlyFormatsItDoesNotRead() {
    for (Signatures.Signature s : Signatures.ALL) {
      assertFalse(s.format() == DiskFormat.VHD || s.format() == DiskFormat.RAW, s.format().name());
      assertTrue(s.bytes().length >= 4 && s.offset() >= 0, s.format().name());
    }
  }
}
