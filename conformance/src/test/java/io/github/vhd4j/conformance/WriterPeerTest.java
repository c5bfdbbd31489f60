package io.github.vhd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.Durability;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.conformance.PeerVerifier.Outcome;
import io.github.vhd4j.conformance.PeerVerifier.Peer;
import io.github.vhd4j.conformance.PeerVerifier.Subject;
import io.github.vhd4j.conformance.PeerVerifier.Verdict;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images created and written by vhd4j ({@link Vhd#create}, {@link VhdImage#write}, reopened with
 * {@link OpenOptions#forWriting()}), read by every peer: the writer is only right if QEMU, libvhdi
 * and 7-Zip read back exactly what vhd4j wrote.
 *
 * <p>Every image of the main factory gets a seeded workload of writes (unaligned starts and ends,
 * writes across block boundaries, the first and the last sector, zeros over unallocated blocks and
 * over parent data, overwrites), half of it before and half after a reopen. The test keeps its own
 * model of the result: the guest content, and for sparse images which blocks are allocated and
 * which sector bits are set. The model is checked three ways: against the image file's structures
 * read directly (footer, header, table, bitmaps: not through vhd4j, so that a writer bug cannot
 * hide behind the same reader), against vhd4j's reads, and against every peer.
 *
 * <p>Where a peer is documented to read differently ({@code conformance/DIVERGENCES.md}), the test
 * predicts its exact answer from the model instead of settling for "differs":
 * <ul>
 *   <li>QEMU opens a differencing disk as a plain dynamic disk (case 5): it must return the child's
 *       stored blocks (bitmap-set sectors, zeros elsewhere in an allocated block) and zeros in
 *       unallocated blocks, and map exactly the child's blocks;
 *   <li>QEMU reads blocks below 4 KiB one sector early (case 9): it must return each block's
 *       bitmap sector first;
 *   <li>libvhdi refuses blocks below 4 KiB (case 9). It would also misread a partly set bitmap byte
 *       of a differencing disk (case 6), but the writer sets whole bytes (4 KiB pages), so libvhdi
 *       must return the true content: the test checks both.
 * </ul>
 * Any other disagreement fails with the seed that reproduces it.
 */
@RequiresPeers({Peers.QEMU_IMG, Peers.SEVEN_ZIP, Peers.VHDIINFO, Peers.PYVHDI})
class WriterPeerTest {
  private static final long KIB = 1024;
  private static final long MIB = KIB * KIB;
  private static final int SECTOR = 512;

  @TempDir
  static Path dir;

  @BeforeAll
  static void requirePeers() {
    Peers.require(PeerVerifier.tools());
  }

  // ---- the model --------------------------------------------------------------------------------

  /**
   * One image of a chain as the test expects it to be: the guest content seen through it, and what
   * it stores itself (allocated blocks, set sector bits). The writer's contract, applied here
   * independently: a write allocates the blocks it touches and sets the bits of exactly the sectors
   * it touches (in a differencing disk, of the whole 4 KiB pages it touches), except that zeros written over an unallocated block allocate nothing when the disk
   * would read zeros there anyway (a dynamic disk; a differencing disk whose ancestors store no data
   * in the range).
   */
  static final class Layer {
    final String name;
    final DiskType type;
    final long size;
    /** Bytes per block; 0 for fixed disks. */
    final long blockSize;
    final boolean aligned;
    final @Nullable Layer parent;
    /** The guest content through this image (for a differencing disk: over its parent's). */
    final byte[] content;
    final BitSet blocks = new BitSet();
    final BitSet sectors = new BitSet();
    final Path file;

    Layer(String name, DiskType type, long size, long blockSize, boolean aligned, @Nullable Layer parent, Path file) {
      this.name = name;
      this.type = type;
      this.size = size;
      this.blockSize = blockSize;
      this.aligned = aligned;
      this.parent = parent;
      this.file = file;
      this.content = parent == null ? new byte[Math.toIntExact(size)] : parent.content.clone();
    }

    int sectorsPerBlock() {
      return (int) (blockSize / SECTOR);
    }

    long blockCount() {
      return blockSize == 0 ? 0 : (size + blockSize - 1) / blockSize;
    }

    /** Applies one write, block by block, as the image must record it. */
    void write(long pos, byte[] data) {
      if (type != DiskType.FIXED) {
        long end = pos + data.length;
        for (long p = pos; p < end; ) {
          int block = (int) (p / blockSize);
          long stop = Math.min(end, (block + 1) * blockSize);
          boolean zeros = isZero(data, (int) (p - pos), (int) (stop - p));
          boolean skip = !blocks.get(block) && zeros && (type == DiskType.DYNAMIC || !parentStores(p, stop));
          if (!skip) {
            blocks.set(block);
            // A differencing disk stores whole bitmap bytes (4 KiB pages), the added sectors with
            // their current content, so that libvhdi (DIVERGENCES.md case 6) reads it right.
            long g = type == DiskType.DIFFERENCING ? Math.min(8 * SECTOR, blockSize) : SECTOR;
            sectors.set((int) (p / g * g / SECTOR), (int) ((stop + g - 1) / g * g / SECTOR));
          }
          p = stop;
        }
      }
      System.arraycopy(data, 0, content, (int) pos, data.length);
    }

    /** Whether an ancestor stores data in any sector of {@code [from, to)} (what qemu-img map calls data). */
    boolean parentStores(long from, long to) {
      if (parent == null) {
        return false;
      }
      for (long s = from / SECTOR; s < (to + SECTOR - 1) / SECTOR; s++) {
        if (parent.stores(s)) {
          return true;
        }
      }
      return false;
    }

    /** Whether this image or an ancestor stores sector {@code s}: the map's notion of data. */
    boolean stores(long s) {
      return switch (type) {
        case FIXED -> true;
        case DYNAMIC -> blocks.get((int) (s * SECTOR / blockSize));
        default -> sectors.get((int) s) || (parent != null && parent.stores(s));
      };
    }

    /** Byte {@code i} of block {@code b}'s sector bitmap, as the specification lays it out (MSB first). */
    int bitmapByte(int b, int i) {
      int v = 0;
      for (int k = 0; k < 8; k++) {
        int s = 8 * i + k;
        if (s < sectorsPerBlock() && sectors.get(b * sectorsPerBlock() + s)) {
          v |= 0x80 >>> k;
        }
      }
      return v;
    }

    /** The chain, this image first. */
    List<Layer> chain() {
      List<Layer> out = new ArrayList<>();
      for (Layer l = this; l != null; l = l.parent) {
        out.add(l);
      }
      return out;
    }
  }

  static boolean isZero(byte[] b, int from, int length) {
    for (int i = from; i < from + length; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Sector bitmap bytes per block as the specification sizes them: one bit per sector, whole sectors. */
  static int bitmapBytes(long blockSize) {
    long bits = blockSize / SECTOR;
    return (int) (((bits + 7) / 8 + SECTOR - 1) / SECTOR * SECTOR);
  }

  /** QEMU's bitmap size, {@code ((block_size / 4096) + 511) & ~511}: 0 below 4 KiB blocks (case 9). */
  static int qemuBitmapBytes(long blockSize) {
    return (int) (((blockSize / 4096) + 511) & ~511L);
  }

  // ---- what the peers must return --------------------------------------------------------------

  /**
   * What QEMU returns for a sparse image opened on its own (without its parent: case 5): in each
   * allocated block, the bytes at QEMU's idea of where the data starts, which is the bitmap's end
   * from 4 KiB blocks up and the bitmap itself below (case 9); zeros elsewhere. The block's stored
   * data is the guest content in set sectors and zeros in the others (checked on the file by
   * {@link #checkStructure}).
   */
  static byte[] qemuAlone(Layer l) {
    byte[] out = new byte[(int) l.size];
    int shift = bitmapBytes(l.blockSize) - qemuBitmapBytes(l.blockSize);
    for (int b = l.blocks.nextSetBit(0); b >= 0; b = l.blocks.nextSetBit(b + 1)) {
      long start = b * l.blockSize;
      int n = (int) Math.min(l.blockSize, l.size - start);
      for (int x = 0; x < n; x += SECTOR) {
        int stored = x - shift;
        if (stored < 0) {
          // QEMU's "data" starts inside the bitmap: the bitmap bytes, then its zero padding.
          for (int i = 0; i < SECTOR; i++) {
            int at = bitmapBytes(l.blockSize) + stored + i;
            out[(int) start + x + i] = (byte) (at < (l.sectorsPerBlock() + 7) / 8 ? l.bitmapByte(b, at) : 0);
          }
        } else if (l.sectors.get((int) ((start + stored) / SECTOR))) {
          System.arraycopy(l.content, (int) start + stored, out, (int) start + x, SECTOR);
        }
      }
    }
    return out;
  }

  /**
   * What libvhdi 20210425 returns for a chain. Its bitmap scan takes {@code byte >> (7 - bit)}
   * without masking the lower bit, so inside one bitmap byte every sector after the first set bit
   * counts as the child's: those read the child's stored data (zeros where the bit is clear)
   * instead of the parent's (DIVERGENCES.md case 6). Dynamic and fixed layers read as written.
   */
  static byte[] libvhdiView(Layer top) {
    byte[] out = new byte[(int) top.size];
    for (int s = 0; s < top.size / SECTOR; s++) {
      for (Layer l = top; ; l = l.parent) {
        if (l.type != DiskType.DIFFERENCING) {
          System.arraycopy(l.content, s * SECTOR, out, s * SECTOR, SECTOR);
          break;
        }
        int spb = l.sectorsPerBlock();
        int b = s / spb;
        if (!l.blocks.get(b)) {
          continue;
        }
        int byteStart = b * spb + (s - b * spb) / 8 * 8;
        int firstSet = l.sectors.nextSetBit(byteStart);
        if (firstSet >= 0 && firstSet <= s) {
          if (l.sectors.get(s)) {
            System.arraycopy(l.content, s * SECTOR, out, s * SECTOR, SECTOR);
          }
          break;
        }
      }
    }
    return out;
  }

  // ---- the image files, read directly ----------------------------------------------------------

  /**
   * Checks a sparse image file against the model without vhd4j: the tail footer and its head copy,
   * the current size, the table (exactly the model's blocks, none overlapping another or the
   * footer), every bitmap (exactly the model's sectors), zeros under every clear bit (7-Zip refuses
   * a dynamic disk with data under a clear bit, case 10; QEMU would show it), and for the aligned
   * layout every block's data on a 4 KiB boundary.
   *
   * @return the table: each block's file offset in sectors, or -1
   */
  static long[] checkStructure(Layer l, List<Executable> checks) throws IOException {
    try (FileChannel ch = FileChannel.open(l.file, StandardOpenOption.READ)) {
      long length = ch.size();
      ByteBuffer tail = read(ch, length - SECTOR, SECTOR);
      ByteBuffer head = read(ch, 0, SECTOR);
      int typeCode = l.type == DiskType.FIXED ? 2 : l.type == DiskType.DYNAMIC ? 3 : 4;
      checks.add(() -> assertEquals("conectix", ascii(tail, 0, 8), l.name + ": footer cookie"));
      checks.add(() -> assertEquals(typeCode, tail.getInt(60), l.name + ": footer disk type"));
      checks.add(() -> assertEquals(l.size, tail.getLong(48), l.name + ": footer current size"));
      checks.add(() -> assertEquals(l.size, tail.getLong(40), l.name + ": footer original size"));
      if (l.type == DiskType.FIXED) {
        checks.add(() -> assertEquals(l.size + SECTOR, length, l.name + ": a fixed disk's file is its data and the footer"));
        return new long[0];
      }
      checks.add(() -> assertEquals(tail, head, l.name + ": head copy of the footer equals the tail footer"));
      long headerAt = tail.getLong(16);
      ByteBuffer header = read(ch, headerAt, 1024);
      long tableAt = header.getLong(16);
      long entries = header.getInt(28) & 0xFFFFFFFFL;
      long blockSize = header.getInt(32) & 0xFFFFFFFFL;
      checks.add(() -> assertEquals("cxsparse", ascii(header, 0, 8), l.name + ": header cookie"));
      checks.add(() -> assertEquals(l.blockSize, blockSize, l.name + ": block size"));
      checks.add(() -> assertEquals(l.blockCount(), entries, l.name + ": table entries"));
      ByteBuffer table = read(ch, tableAt, (int) entries * 4);
      long[] bat = new long[(int) entries];
      BitSet allocated = new BitSet();
      int bitmap = bitmapBytes(blockSize);
      List<long[]> extents = new ArrayList<>();
      // Problems as "block/sector" (a negative sector names a padding byte of the bitmap).
      List<String> wrongBits = new ArrayList<>();
      List<String> dataUnderClearBits = new ArrayList<>();
      List<String> misaligned = new ArrayList<>();
      for (int b = 0; b < entries; b++) {
        long e = table.getInt(b * 4) & 0xFFFFFFFFL;
        bat[b] = e == 0xFFFFFFFFL ? -1 : e;
        if (e == 0xFFFFFFFFL) {
          continue;
        }
        allocated.set(b);
        long start = e * SECTOR;
        extents.add(new long[] {start, start + bitmap + blockSize, b});
        if (l.aligned && (start + bitmap) % 4096 != 0) {
          misaligned.add(b + "@" + (start + bitmap));
        }
        if (start + bitmap + blockSize > length - SECTOR) {
          continue; // reported below as an overlap with the footer
        }
        ByteBuffer bits = read(ch, start, bitmap);
        ByteBuffer data = read(ch, start + bitmap, (int) blockSize);
        for (int s = 0; s < l.sectorsPerBlock(); s++) {
          boolean set = (bits.get(s / 8) & (0x80 >>> (s % 8))) != 0;
          if (set != l.sectors.get(b * l.sectorsPerBlock() + s)) {
            wrongBits.add(b + "/" + s);
          }
          if (!set && !isZero(data.array(), s * SECTOR, SECTOR)) {
            dataUnderClearBits.add(b + "/" + s);
          }
        }
        for (int i = (l.sectorsPerBlock() + 7) / 8; i < bitmap; i++) {
          if (bits.get(i) != 0) {
            wrongBits.add(b + "/-" + i);
          }
        }
      }
      checks.add(() -> assertEquals(List.of(), first(wrongBits), l.name
          + ": block/sector whose bitmap bit disagrees with the sectors written (" + wrongBits.size() + ")"));
      checks.add(() -> assertEquals(List.of(), first(dataUnderClearBits), l.name
          + ": block/sector with data under a clear bit (" + dataUnderClearBits.size() + ")"));
      checks.add(() -> assertEquals(List.of(), first(misaligned), l.name
          + ": aligned layout, block@data offset not on 4 KiB (" + misaligned.size() + ")"));
      checks.add(() -> assertEquals(l.blocks, allocated, l.name + ": allocated blocks"));
      extents.sort(Comparator.comparingLong(x -> x[0]));
      long structures = tableAt + entries * 4;
      List<String> overlaps = new ArrayList<>();
      for (long[] x : extents) {
        if (x[0] < structures) {
          overlaps.add("block " + x[2] + " at " + x[0] + " starts before " + structures);
        }
        structures = x[1];
      }
      if (structures > length - SECTOR) {
        overlaps.add("the last block ends at " + structures + ", after the tail footer's start " + (length - SECTOR));
      }
      checks.add(() -> assertEquals(List.of(), overlaps, l.name + ": blocks overlapping metadata, each other or the footer"));
      return bat;
    }
  }

  /** The unique id in a file's tail footer (bytes 68-83), as the peers print it. */
  static String footerUuid(Path file) throws IOException {
    ByteBuffer f = ByteBuffer.wrap(tail(file));
    return new java.util.UUID(f.getLong(68), f.getLong(76)).toString();
  }

  /** {@code key <separator> value} lines of a tool's output, first occurrence of each key. */
  static Map<String, String> fields(String text, String separator) {
    Map<String, String> out = new java.util.HashMap<>();
    for (String line : text.split("\n")) {
      int i = line.indexOf(separator);
      if (i > 0) {
        out.putIfAbsent(line.substring(0, i).strip(), line.substring(i + separator.length()).strip());
      }
    }
    return out;
  }

  /** The first 20 entries: enough to diagnose, short enough to read. */
  private static List<String> first(List<String> all) {
    return all.size() <= 20 ? all : all.subList(0, 20);
  }

  private static ByteBuffer read(FileChannel ch, long pos, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length);
    while (b.hasRemaining()) {
      if (ch.read(b, pos + b.position()) < 0) {
        throw new IOException("unexpected end of file at " + (pos + b.position()));
      }
    }
    return b.flip();
  }

  private static String ascii(ByteBuffer b, int from, int length) {
    byte[] x = new byte[length];
    b.get(from, x);
    return new String(x, StandardCharsets.ISO_8859_1);
  }

  /** The runs {@code qemu-img map} must print for a sparse image opened alone: its table's blocks. */
  static List<Run> qemuMapAlone(Layer l, long[] bat) {
    List<Run> runs = new ArrayList<>();
    for (int b = 0; b < bat.length; b++) {
      long start = b * l.blockSize;
      long n = Math.min(l.blockSize, l.size - start);
      runs.add(bat[b] < 0 ? new Run(start, n, false, -1)
          : new Run(start, n, true, bat[b] * SECTOR + qemuBitmapBytes(l.blockSize)));
    }
    return Run.merge(runs);
  }

  // ---- the workload -----------------------------------------------------------------------------

  /** One write of the workload, for failure messages. */
  record Op(String kind, long pos, int length, boolean zeros) {
    @Override
    public String toString() {
      return kind + "@" + pos + "+" + length + (zeros ? "(0)" : "");
    }
  }

  /** Kinds of writes, each placed where it tests something. */
  enum Kind {
    FIRST_SECTOR, LAST_SECTOR, ACROSS_BOUNDARY, RANDOM, ZEROS_OVER_UNALLOCATED, ZEROS_OVER_PARENT_DATA,
    ZEROS_OVER_ALLOCATED, ZEROS_ACROSS_BOUNDARY, OVERWRITE
  }

  /**
   * Writes a seeded workload into a new image and records it in the model: the first part through
   * the image {@link Vhd#create} returned, the rest after closing and reopening it with
   * {@link OpenOptions#forWriting()}. Closes the image.
   */
  static List<Op> workload(Layer l, VhdImage created, Random rnd) throws IOException {
    List<Kind> kinds = new ArrayList<>();
    kinds.add(Kind.FIRST_SECTOR);
    kinds.add(Kind.LAST_SECTOR);
    for (int i = 0; i < 4; i++) {
      kinds.add(Kind.ACROSS_BOUNDARY);
      kinds.add(Kind.ZEROS_OVER_UNALLOCATED);
      kinds.add(Kind.OVERWRITE);
      kinds.add(Kind.OVERWRITE);
    }
    for (int i = 0; i < 3; i++) {
      kinds.add(Kind.ZEROS_OVER_ALLOCATED);
      kinds.add(Kind.ZEROS_OVER_PARENT_DATA);
      kinds.add(Kind.ZEROS_ACROSS_BOUNDARY);
    }
    for (int i = 0; i < 36; i++) {
      kinds.add(Kind.RANDOM);
    }
    java.util.Collections.shuffle(kinds, rnd);
    int reopenAt = kinds.size() / 3 + rnd.nextInt(kinds.size() / 3);
    List<Op> ops = new ArrayList<>();
    VhdImage img = created;
    try {
      for (int i = 0; i < kinds.size(); i++) {
        if (i == reopenAt) {
          img.flush();
          img.close();
          img = Vhd.open(l.file, OpenOptions.forWriting());
          ops.add(new Op("REOPEN", 0, 0, false));
        }
        Op op = plan(l, kinds.get(i), rnd, ops);
        if (op == null) {
          continue;
        }
        byte[] data = new byte[op.length()];
        if (!op.zeros()) {
          if (rnd.nextInt(4) == 0) {
            Arrays.fill(data, (byte) (1 + rnd.nextInt(255)));
          } else {
            rnd.nextBytes(data);
          }
        }
        ops.add(op);
        try {
          img.write(op.pos(), buffer(data, rnd));
        } catch (IOException | RuntimeException e) {
          throw new IOException(l.name + ": write " + op + " failed; writes so far " + ops, e);
        }
        l.write(op.pos(), data);
      }
    } finally {
      img.close();
    }
    return ops;
  }

  /** The bytes as a heap buffer, a window of a larger array (non-zero position) or a direct buffer. */
  private static ByteBuffer buffer(byte[] data, Random rnd) {
    switch (rnd.nextInt(3)) {
      case 0:
        return ByteBuffer.wrap(data);
      case 1: {
        int pad = 1 + rnd.nextInt(100);
        byte[] big = new byte[data.length + 2 * pad];
        Arrays.fill(big, (byte) 0xA5);
        System.arraycopy(data, 0, big, pad, data.length);
        return ByteBuffer.wrap(big, pad, data.length);
      }
      default:
        return ByteBuffer.allocateDirect(data.length).put(data).flip();
    }
  }

  /** Plans one write of a kind on the model's current state, or null when the kind has no place here. */
  static @Nullable Op plan(Layer l, Kind kind, Random rnd, List<Op> done) {
    long size = l.size;
    // Fixed disks have no blocks; their boundaries are those of vhd4j's 2 MiB lock regions.
    long unit = l.blockSize > 0 ? l.blockSize : 2 * MIB;
    long units = (size + unit - 1) / unit;
    switch (kind) {
      case FIRST_SECTOR:
        return new Op("first", 0, SECTOR, false);
      case LAST_SECTOR:
        return new Op("last", size - SECTOR, SECTOR, false);
      case ACROSS_BOUNDARY:
      case ZEROS_ACROSS_BOUNDARY: {
        if (units < 2) {
          return null;
        }
        long boundary = (1 + rnd.nextInt((int) Math.min(units - 1, Integer.MAX_VALUE))) * unit;
        if (kind == Kind.ZEROS_ACROSS_BOUNDARY && l.type != DiskType.FIXED) {
          // Prefer an allocated block next to an unallocated one: the zeros land in both.
          for (int tries = 0; tries < 64; tries++) {
            int b = rnd.nextInt((int) units - 1);
            if (l.blocks.get(b) != l.blocks.get(b + 1)) {
              boundary = (b + 1) * unit;
              break;
            }
          }
        }
        int before = 1 + rnd.nextInt((int) Math.min(unit, 6000));
        int after = 1 + rnd.nextInt((int) Math.min(unit, 6000));
        long pos = Math.max(0, boundary - before);
        int length = (int) Math.min(boundary + after, size) - (int) pos;
        return new Op(kind == Kind.ACROSS_BOUNDARY ? "across" : "zeros-across", pos, length,
            kind == Kind.ZEROS_ACROSS_BOUNDARY);
      }
      case ZEROS_OVER_UNALLOCATED:
      case ZEROS_OVER_ALLOCATED:
      case ZEROS_OVER_PARENT_DATA: {
        if (l.type == DiskType.FIXED) {
          return kind == Kind.ZEROS_OVER_ALLOCATED ? randomRange(l, rnd, "zeros", true) : null;
        }
        if (kind == Kind.ZEROS_OVER_PARENT_DATA && l.type != DiskType.DIFFERENCING) {
          return null;
        }
        for (int tries = 0; tries < 200; tries++) {
          int b = rnd.nextInt((int) units);
          long start = b * unit;
          long n = Math.min(unit, size - start);
          boolean wanted = switch (kind) {
            case ZEROS_OVER_ALLOCATED -> l.blocks.get(b);
            case ZEROS_OVER_UNALLOCATED -> !l.blocks.get(b);
            default -> !l.blocks.get(b) && l.parentStores(start, start + n);
          };
          if (!wanted) {
            continue;
          }
          long from = start + rnd.nextInt((int) n);
          long to = Math.min(start + n, from + 1 + rnd.nextInt((int) Math.min(n, 40000)));
          if (kind == Kind.ZEROS_OVER_PARENT_DATA) {
            // Start next to a sector the parent stores, so that the zeros must hide it.
            for (long s = start / SECTOR; s < (start + n) / SECTOR; s++) {
              if (l.parent.stores(s) && rnd.nextInt(4) == 0) {
                from = s * SECTOR + rnd.nextInt(SECTOR);
                to = Math.min(start + n, from + 1 + rnd.nextInt(3000));
                break;
              }
            }
          }
          String name = kind == Kind.ZEROS_OVER_ALLOCATED ? "zeros-alloc"
              : kind == Kind.ZEROS_OVER_UNALLOCATED ? "zeros-unalloc" : "zeros-parent";
          return new Op(name, from, (int) (to - from), true);
        }
        return null;
      }
      case OVERWRITE: {
        List<Op> writes = done.stream().filter(o -> o.length() > 0).toList();
        if (writes.isEmpty()) {
          return randomRange(l, rnd, "random", false);
        }
        Op old = writes.get(rnd.nextInt(writes.size()));
        long from = Math.max(0, old.pos() + rnd.nextInt(Math.max(1, old.length())) - rnd.nextInt(700));
        long to = Math.min(size, from + 1 + rnd.nextInt(old.length() + 1400));
        return new Op("over", from, (int) (to - from), rnd.nextInt(5) == 0);
      }
      default:
        return randomRange(l, rnd, "random", false);
    }
  }

  private static Op randomRange(Layer l, Random rnd, String name, boolean zeros) {
    long max = Math.min(l.size, Math.min(MIB, 3 * Math.max(l.blockSize, 64 * KIB)));
    int r = rnd.nextInt(20);
    long length = r < 7 ? 1 + rnd.nextInt(1500) : r < 16 ? 1 + rnd.nextInt((int) Math.min(max, 64 * KIB))
        : 1 + rnd.nextInt((int) max);
    long pos = (long) (rnd.nextDouble() * (l.size - length + 1));
    return new Op(name, pos, (int) length, zeros);
  }

  // ---- the cases --------------------------------------------------------------------------------

  /** One image of a case's chain: block size and layout (for the base: also its type and size mode). */
  record LayerSpec(long blockSize, boolean aligned) {}

  /**
   * One subject: a base image (fixed or dynamic) of a requested size and size mode, and zero or
   * more differencing images over it; the last one is read by the peers.
   */
  record Case(String name, boolean fixed, long requestedSize, SizeMode mode, List<LayerSpec> layers) {
    @Override
    public String toString() {
      StringBuilder b = new StringBuilder(name).append(": ").append(fixed ? "fixed" : "dynamic")
          .append(' ').append(requestedSize).append(' ').append(mode);
      for (int i = 0; i < layers.size(); i++) {
        LayerSpec s = layers.get(i);
        b.append(i == 0 ? " " : " <- differencing ");
        if (!fixed || i > 0) {
          b.append("bs").append(s.blockSize()).append(s.aligned() ? " aligned" : " compact");
        } else {
          b.append(s.aligned() ? "(aligned option set)" : "");
        }
      }
      return b.toString();
    }
  }

  static final long[] BLOCK_SIZES = {512, 4 * KIB, 64 * KIB, 2 * MIB, 8 * MIB};
  /** Parents use block sizes that libvhdi reads (case 9: it refuses blocks below 4 KiB). */
  static final long[] PARENT_BLOCK_SIZES = {4 * KIB, 64 * KIB, 2 * MIB, 8 * MIB};

  /** A disk size that gives a block size a few blocks (several thousand for tiny blocks). */
  static long baseSize(long blockSize) {
    if (blockSize <= 512) {
      return 3 * MIB / 2;
    }
    if (blockSize <= 4 * KIB) {
      return 3 * MIB;
    }
    if (blockSize <= 64 * KIB) {
      return 6 * MIB;
    }
    return blockSize <= 2 * MIB ? 12 * MIB : 36 * MIB;
  }

  /**
   * A requested size near {@code base}: in CHS mode an odd byte count (rounded up to a geometry);
   * in exact mode a whole number of sectors that is not a multiple of the block size, alternately
   * one a CHS geometry addresses exactly (C x 4 x 17 sectors: the footer keeps that geometry) and
   * one it does not (the footer gets 65535/16/255).
   */
  static long requested(long base, SizeMode mode, int variant, Random rnd) {
    if (mode == SizeMode.CHS) {
      return base + 1 + 2 * rnd.nextInt(40000);
    }
    if (variant % 2 == 0) {
      long cyl = base / (4 * 17 * SECTOR);
      return (cyl + 1 + rnd.nextInt(3)) * 4 * 17 * SECTOR;
    }
    return base + SECTOR * (1 + 2L * rnd.nextInt(300));
  }

  /**
   * The cross product, pruned: every block size with both layouts for each sparse type (size modes
   * alternating so that each block size sees both), the fixed disk in both size modes (the aligned
   * option is refused for fixed disks), and chains whose parents have block sizes
   * and layouts of their own.
   */
  static List<Case> cases(Random rnd) {
    List<Case> out = new ArrayList<>();
    SizeMode[] modes = SizeMode.values();
    for (int i = 0; i < 4; i++) {
      SizeMode mode = modes[i % 2];
      out.add(new Case("fixed-" + i, true, requested(5 * MIB, mode, i / 2, rnd), mode,
          List.of(new LayerSpec(0, false))));
    }
    for (int i = 0; i < BLOCK_SIZES.length; i++) {
      for (int a = 0; a < 2; a++) {
        long bs = BLOCK_SIZES[i];
        SizeMode mode = modes[(i + a) % 2];
        out.add(new Case("dynamic-bs" + bs + (a == 1 ? "-aligned" : ""), false,
            requested(baseSize(bs), mode, i, rnd), mode, List.of(new LayerSpec(bs, a == 1))));
      }
    }
    for (int i = 0; i < BLOCK_SIZES.length; i++) {
      for (int a = 0; a < 2; a++) {
        long bs = BLOCK_SIZES[i];
        long parentBs = PARENT_BLOCK_SIZES[(i + a + 1) % PARENT_BLOCK_SIZES.length];
        SizeMode mode = modes[(i + a + 1) % 2];
        long size = baseSize(Math.max(bs, parentBs));
        out.add(new Case("diff-bs" + bs + (a == 1 ? "-aligned" : ""), false, requested(size, mode, i + a, rnd), mode,
            List.of(new LayerSpec(parentBs, a == 0), new LayerSpec(bs, a == 1))));
      }
    }
    for (int i = 0; i < BLOCK_SIZES.length; i++) {
      long bs = BLOCK_SIZES[i];
      long middleBs = PARENT_BLOCK_SIZES[(i + 2) % PARENT_BLOCK_SIZES.length];
      long baseBs = PARENT_BLOCK_SIZES[(i + 3) % PARENT_BLOCK_SIZES.length];
      SizeMode mode = modes[i % 2];
      long size = baseSize(Math.max(bs, Math.max(middleBs, baseBs)));
      out.add(new Case("chain3-bs" + bs + (i % 2 == 0 ? "-aligned" : ""), false, requested(size, mode, i, rnd), mode,
          List.of(new LayerSpec(baseBs, i % 2 == 1), new LayerSpec(middleBs, i % 3 == 0),
              new LayerSpec(bs, i % 2 == 0))));
    }
    return out;
  }

  /** The images of a case, written, with the model of the top one. */
  record Written(Case c, Layer top, List<List<Op>> ops) {}

  static Written write(Case c, Path d, long seed) throws IOException {
    Random rnd = new Random(seed);
    Layer parent = null;
    List<List<Op>> ops = new ArrayList<>();
    for (int i = 0; i < c.layers().size(); i++) {
      LayerSpec spec = c.layers().get(i);
      Path file = d.resolve(c.name() + "-" + i + ".vhd");
      // Half the images are filled without forcing each allocation, half with the default
      // durability: the bytes must not depend on it.
      OpenOptions open = OpenOptions.defaults().withDurability(rnd.nextBoolean() ? Durability.ON_FLUSH
          : Durability.SYNC_ALLOCATIONS);
      CreateOptions create = parent == null
          ? (c.fixed() ? CreateOptions.fixed(c.requestedSize())
              : CreateOptions.dynamic(c.requestedSize()).withBlockSize(spec.blockSize()))
          : CreateOptions.differencing(parent.file).withBlockSize(spec.blockSize());
      create = create.withAligned(spec.aligned()).withOpenOptions(open);
      if (parent == null) {
        create = create.withSizeMode(c.mode());
      }
      VhdImage img = Vhd.create(file, create);
      Layer l;
      try {
        DiskType type = parent != null ? DiskType.DIFFERENCING : c.fixed() ? DiskType.FIXED : DiskType.DYNAMIC;
        l = new Layer(file.getFileName().toString(), type, img.getSize(), type == DiskType.FIXED ? 0 : spec.blockSize(),
            spec.aligned(), parent, file);
      } catch (RuntimeException e) {
        img.close();
        throw e;
      }
      ops.add(workload(l, img, rnd));
      parent = l;
    }
    return new Written(c, parent, ops);
  }

  static long seed() {
    return GeneratedCorpusTest.seed();
  }

  @TestFactory
  Stream<DynamicTest> shouldBeReadByEveryPeerAsWritten() {
    long seed = seed();
    List<Case> cases = cases(new Random(seed));
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      long caseSeed = seed * 1_000_003L + i;
      tests.add(DynamicTest.dynamicTest(c.toString(), () -> check(c, seed, caseSeed)));
    }
    return tests.stream();
  }

  private static void check(Case c, long seed, long caseSeed) throws Exception {
    Path d = Files.createDirectories(dir.resolve(c.name()));
    String context = "seed " + seed + " (rerun with -Dvhd4j.conformance.seed=" + seed + "), case seed " + caseSeed
        + ", " + c;
    Written w;
    try {
      w = write(c, d, caseSeed);
    } catch (IOException | RuntimeException e) {
      throw new AssertionError(context + ": writing failed: " + e, e);
    }
    String heading = context + ", writes " + w.ops();
    List<Executable> checks;
    try {
      checks = checks(w, d);
    } catch (IOException | RuntimeException e) {
      throw new AssertionError(heading + ": " + e, e);
    }
    assertAll(heading, checks);
  }

  /** Reads the written images with vhd4j and every peer, and returns what must hold. */
  private static List<Executable> checks(Written w, Path d) throws IOException {
    Case c = w.c();
    Layer top = w.top();
    Path expected = d.resolve(c.name() + ".expected.raw");
    Files.write(expected, top.content);
    List<Path> chain = top.chain().stream().map(l -> l.file).toList();
    Subject s = new Subject(top.file, chain, expected, top.type, top.blockSize, c.name());
    List<Executable> checks = new ArrayList<>();

    // The files, read directly: every image of the chain holds what the model says.
    List<long[]> tables = new ArrayList<>();
    for (Layer l : top.chain()) {
      tables.add(checkStructure(l, checks));
    }
    // vhd4j reads back what it wrote, and its checker finds nothing wrong.
    try (VhdImage img = Vhd.open(top.file)) {
      byte[] got = Content.read(img, 0, Math.toIntExact(img.getSize()));
      checks.add(() -> assertEquals(-1, Content.mismatch(top.content, got), "vhd4j reads back, first difference"));
    }
    var report = Vhd.check(top.file);
    checks.add(() -> assertFalse(report.hasErrors(), () -> "vhd check: " + report.problems()));
    // Debian's QEMU takes the CHS size for this creator unless told otherwise: the writer's footer
    // makes both rules give the same size (CHS mode: geometry = size; exact: exact or maximum geometry).
    long plainQemuSize = Qemu.virtualSize(top.file);
    checks.add(() -> assertEquals(top.size, plainQemuSize, "qemu-img info -f vpc (QEMU 7.2's own size rule)"));

    boolean tiny = top.blockSize > 0 && top.blockSize < 4096;
    boolean differencing = top.type == DiskType.DIFFERENCING;
    // Peers that must simply agree. QEMU's content and map are adapted below for differencing
    // disks (QEMU reads the top image alone, DIVERGENCES.md case 5) and for blocks below 4 KiB
    // (case 9); libvhdi's content for differencing disks is checked with case 6 in mind, below.
    Set<Peer> plain = EnumSet.of(Peer.QEMU_INFO, Peer.VHDIINFO, Peer.SEVEN_ZIP);
    if (!tiny && !differencing) {
      plain.addAll(EnumSet.of(Peer.QEMU_COMPARE, Peer.QEMU_MAP, Peer.LIBVHDI));
    }
    if (tiny) {
      plain.add(Peer.LIBVHDI); // refuses, case 9
    }
    Map<Peer, Outcome> got = PeerVerifier.verify(s, d, plain);
    for (Peer p : plain) {
      Verdict want = tiny && p == Peer.LIBVHDI ? Verdict.REFUSES : Verdict.AGREES;
      checks.add(() -> assertEquals(want, got.get(p).verdict(), () -> got.get(p).toString()));
    }
    if (tiny || differencing) {
      // QEMU reads the top image alone (case 5) and below 4 KiB blocks one sector early (case 9).
      Path alone = d.resolve(c.name() + ".qemu-alone.raw");
      Files.write(alone, qemuAlone(top));
      String calc = PeerVerifier.qemu10SizeCalc(top.file);
      Outcome cmp = PeerVerifier.qemuCompare(top.file, calc, alone);
      checks.add(() -> assertEquals(Verdict.AGREES, cmp.verdict(),
          () -> "qemu-img compare with the image read alone, as DIVERGENCES.md cases 5 and 9 say: " + cmp));
      List<Run> map = Run.fromQemu(Qemu.mapJson(top.file, calc));
      List<Run> wantMap = qemuMapAlone(top, tables.get(0));
      checks.add(() -> assertEquals(wantMap, map, "qemu-img map: the top image's own blocks"));
    }
    if (differencing) {
      // The header's link to the parent, as libvhdi and 7-Zip decode it: the parent's UUID (from
      // its footer bytes) and file name; 7-Zip follows the locators down the whole chain.
      Layer parent = top.parent;
      String parentName = parent.file.getFileName().toString();
      String parentUuid = footerUuid(parent.file);
      Map<String, String> vhdi = fields(Peers.run(List.of(Peers.VHDIINFO, top.file.toString()), 120).out(), ":");
      checks.add(() -> assertEquals(parentUuid, vhdi.get("Parent identifier"), "vhdiinfo parent identifier"));
      checks.add(() -> assertEquals(parentName, vhdi.get("Parent filename"), "vhdiinfo parent filename"));
      Map<String, String> z = fields(Peers.run(List.of(Peers.SEVEN_ZIP, "l", "-slt", top.file.toString()), 120).out(), "=");
      String ancestors = String.join(" -> ", top.chain().subList(1, top.chain().size()).stream()
          .map(l -> l.file.getFileName().toString()).toList());
      checks.add(() -> assertEquals(ancestors, z.get("Parent"), "7-Zip's listed parents"));
      checks.add(() -> assertEquals(Integer.toString(top.chain().size()), z.get("Volumes"), "7-Zip's chain length"));
    }
    if (differencing && top.chain().stream().allMatch(l -> l.blockSize == 0 || l.blockSize >= 4096)) {
      // libvhdi misreads partly set bitmap bytes (case 6); the writer sets whole bytes, so the
      // documented misreading changes nothing here, and libvhdi must return the true content.
      byte[] documented = libvhdiView(top);
      long trap = Content.mismatch(top.content, documented);
      checks.add(() -> assertEquals(-1, trap, "a partly set bitmap byte (case 6) at guest offset " + trap));
      byte[] libvhdi = PeerVerifier.libvhdiRead(chain, "chunks").content();
      long wrong = Content.mismatch(top.content, libvhdi);
      checks.add(() -> assertEquals(-1, wrong, () -> "libvhdi (64 KiB reads) differs from the content at guest"
          + " offset " + wrong));
    }
    return checks;
  }

  // ---- the edges: empty disks, the largest dynamic disk, Azure, CHS rounding ------------------

  /**
   * Zero-size images: a fixed disk is its footer alone, a dynamic disk a footer, header and empty
   * table. vhd4j reports 0 bytes and refuses any write (the disk never grows). The peers read them
   * as they read QEMU's own zero-size images: QEMU cannot open the fixed one (DIVERGENCES.md case 4)
   * and reads the dynamic one as empty; libvhdi refuses a table of 0 entries (case 12: QEMU's own
   * zero-size dynamic image is refused alike, so it is not the writer); 7-Zip reads both as empty.
   */
  @Test
  void shouldWriteZeroSizeImagesThatPeersReadAsEmpty() throws Exception {
    Path d = Files.createDirectories(dir.resolve("zero"));
    Path empty = Files.write(d.resolve("empty.raw"), new byte[0]);
    List<Executable> checks = new ArrayList<>();
    Map<String, CreateOptions> images = new java.util.LinkedHashMap<>();
    images.put("fixed0.vhd", CreateOptions.fixed(0));
    images.put("fixed0-exact.vhd", CreateOptions.fixed(0).withSizeMode(SizeMode.EXACT));
    images.put("dynamic0.vhd", CreateOptions.dynamic(0));
    images.put("dynamic0-exact-aligned-bs4096.vhd", CreateOptions.dynamic(0).withSizeMode(SizeMode.EXACT)
        .withAligned(true).withBlockSize(4096));
    for (Map.Entry<String, CreateOptions> e : images.entrySet()) {
      Path img = d.resolve(e.getKey());
      boolean fixed = e.getValue().diskType() == DiskType.FIXED;
      // Asserted at once: the image must still be open.
      try (VhdImage v = Vhd.create(img, e.getValue())) {
        assertEquals(0, v.getSize(), img + ": vhd4j size");
        assertThrows(IllegalArgumentException.class, () -> v.write(0, ByteBuffer.allocate(1)),
            img + ": a write into an empty disk");
      }
      try (VhdImage v = Vhd.open(img, OpenOptions.forWriting())) {
        assertEquals(0, v.getSize(), img + ": vhd4j size after reopening");
        assertEquals(-1, v.read(0, ByteBuffer.allocate(1)), img + ": vhd4j read at 0");
        assertThrows(IllegalArgumentException.class, () -> v.write(0, ByteBuffer.allocate(512)),
            img + ": a write into the reopened empty disk");
      }
      // Footer; or footer copy, header, empty table and footer (the aligned layout pads to 4 KiB).
      long fileSize = Files.size(img);
      long wantSize = fixed ? 512 : e.getValue().aligned() ? 8192 : 2048;
      checks.add(() -> assertEquals(wantSize, fileSize, img + ": file length"));
      Subject s = new Subject(img, List.of(img), empty, e.getValue().diskType(), fixed ? 0 : e.getValue().blockSize(),
          e.getKey());
      checks.addAll(verdicts(s, d, fixed
          ? Map.of(Peer.QEMU_COMPARE, Verdict.REFUSES, Peer.QEMU_INFO, Verdict.REFUSES, Peer.QEMU_MAP, Verdict.REFUSES,
              Peer.VHDIINFO, Verdict.REFUSES, Peer.LIBVHDI, Verdict.REFUSES, Peer.SEVEN_ZIP, Verdict.AGREES)
          : Map.of(Peer.QEMU_COMPARE, Verdict.AGREES, Peer.QEMU_INFO, Verdict.AGREES, Peer.QEMU_MAP, Verdict.AGREES,
              Peer.VHDIINFO, Verdict.REFUSES, Peer.LIBVHDI, Verdict.REFUSES, Peer.SEVEN_ZIP, Verdict.AGREES),
          Map.of(Peer.QEMU_INFO, fixed ? "Error reading dynamic VHD header" : "",
              Peer.VHDIINFO, fixed ? "unable to read file information" : "invalid number of entries: 0",
              Peer.LIBVHDI, fixed ? "unable to read file information" : "invalid number of entries: 0")));
    }
    // QEMU's own empty dynamic disk: libvhdi refuses it for the same reason.
    Path qemu = d.resolve("qemu-dynamic0.vhd");
    Qemu.create(qemu, 0, false, false);
    Subject q = new Subject(qemu, List.of(qemu), empty, DiskType.DYNAMIC, 2 * MIB, "qemu-dynamic0.vhd");
    checks.addAll(verdicts(q, d, Map.of(Peer.VHDIINFO, Verdict.REFUSES, Peer.LIBVHDI, Verdict.REFUSES),
        Map.of(Peer.VHDIINFO, "invalid number of entries: 0", Peer.LIBVHDI, "invalid number of entries: 0")));
    assertAll("zero-size images", checks);
  }

  /**
   * Runs the peers named in {@code want} and returns checks of their verdicts and, where
   * {@code detail} names a peer with a non-empty text, that the peer's answer contains it.
   */
  private static List<Executable> verdicts(Subject s, Path work, Map<Peer, Verdict> want, Map<Peer, String> detail)
      throws IOException {
    Map<Peer, Outcome> got = PeerVerifier.verify(s, work, EnumSet.copyOf(want.keySet()));
    List<Executable> checks = new ArrayList<>();
    for (Map.Entry<Peer, Verdict> e : want.entrySet()) {
      Outcome o = got.get(e.getKey());
      checks.add(() -> assertEquals(e.getValue(), o.verdict(), () -> s + ": " + o));
      String text = detail.getOrDefault(e.getKey(), "");
      if (!text.isEmpty()) {
        checks.add(() -> assertTrue(o.detail().contains(text), () -> s + ": " + o + " should say \"" + text + "\""));
      }
    }
    return checks;
  }

  /** libvhdi reads of guest ranges, given as offset:length arguments after the image path. */
  private static final String PYVHDI_RANGES = String.join("\n",
      "import pyvhdi, sys",
      "f = pyvhdi.file()",
      "f.open(sys.argv[1])",
      "out = sys.stdout.buffer",
      "out.write(b'%d\\n' % f.media_size)",
      "for r in sys.argv[2:]:",
      "    off, n = map(int, r.split(':'))",
      "    out.write(f.read_buffer_at_offset(n, off))",
      "");

  /**
   * The largest dynamic disk, 2040 GiB: written near the start, across the first and the last block
   * boundaries, zeros over an unallocated block in the middle, and the very last sector, partly
   * rewritten after a reopen. Nothing is extracted: QEMU reads sector-aligned windows around each
   * write, libvhdi the exact ranges; sizes come from qemu-img info, vhdiinfo and 7-Zip's listing.
   */
  @Test
  void shouldWriteTheLargestDynamicDisk() throws Exception {
    long seed = seed();
    Random rnd = new Random(seed);
    Path d = Files.createDirectories(dir.resolve("max"));
    Path img = d.resolve("max.vhd");
    long size = Vhd.MAX_DYNAMIC_SIZE;
    long bs = CreateOptions.DEFAULT_BLOCK_SIZE;
    long lastBlock = (size - 1) / bs;
    long[][] writes = {
        {0, 512}, {1000, 3000}, {bs - 700, 1400},                              // before the reopen
        {size / 2 + 12345, 70000, 0},                                           // zeros: no block
        {lastBlock * bs - 333, 1000}, {size - SECTOR, SECTOR}, {size - 100, 60}, {size - 1, 1}};
    List<byte[]> data = new ArrayList<>();
    VhdImage v = Vhd.create(img, CreateOptions.dynamic(size));
    try {
      for (int i = 0; i < writes.length; i++) {
        if (i == 3) {
          v.close();
          v = Vhd.open(img, OpenOptions.forWriting());
        }
        byte[] b = new byte[(int) writes[i][1]];
        if (writes[i].length == 2) {
          rnd.nextBytes(b);
          b[0] |= 1; // never a zero write by chance
        }
        data.add(b);
        v.write(writes[i][0], ByteBuffer.wrap(b));
      }
    } finally {
      v.close();
    }
    String context = "seed " + seed + " (rerun with -Dvhd4j.conformance.seed=" + seed + "), writes "
        + Arrays.deepToString(writes);
    List<Executable> checks = new ArrayList<>();
    // Each write's sector-aligned window as every write (in order) leaves it.
    List<long[]> windows = new ArrayList<>();
    List<byte[]> expected = new ArrayList<>();
    for (long[] w : writes) {
      long from = w[0] / SECTOR * SECTOR;
      long to = (w[0] + w[1] + SECTOR - 1) / SECTOR * SECTOR;
      byte[] e = new byte[(int) (to - from)];
      for (int j = 0; j < writes.length; j++) {
        long a = Math.max(from, writes[j][0]);
        long z = Math.min(to, writes[j][0] + writes[j][1]);
        if (a < z) {
          System.arraycopy(data.get(j), (int) (a - writes[j][0]), e, (int) (a - from), (int) (z - a));
        }
      }
      windows.add(new long[] {from, to - from});
      expected.add(e);
    }
    try (VhdImage r = Vhd.open(img)) {
      checks.add(() -> assertEquals(size, r.getSize(), "vhd4j size"));
      List<Long> blocks = new ArrayList<>();
      for (Run x : Run.data(Run.fromExtents(r.map()))) {
        for (long b = x.start() / bs; b <= (x.end() - 1) / bs; b++) {
          blocks.add(b);
        }
      }
      checks.add(() -> assertEquals(List.of(0L, 1L, lastBlock - 1, lastBlock), blocks,
          "blocks vhd4j maps: 0, 1 and the last two; none for the zeros"));
      for (int i = 0; i < windows.size(); i++) {
        byte[] got = Content.read(r, windows.get(i)[0], (int) windows.get(i)[1]);
        byte[] want = expected.get(i);
        long at = windows.get(i)[0];
        checks.add(() -> assertArrayEquals(want, got, "vhd4j read at " + at));
      }
      List<Run> ours = Run.fromExtents(r.map());
      List<Run> theirs = Run.fromQemu(Qemu.mapJson(img));
      checks.add(() -> assertEquals(ours, theirs, "qemu-img map (QEMU 7.2's size rule) against vhd4j's map"));
    }
    Map<String, Object> info = Qemu.info(img);
    checks.add(() -> assertEquals(size, info.get("virtual-size"), "qemu-img info -f vpc virtual size"));
    checks.add(() -> assertEquals(bs, info.get("cluster-size"), "qemu-img info -f vpc cluster size"));
    for (int i = 0; i < windows.size(); i++) {
      long[] w = windows.get(i);
      byte[] got = Qemu.readRange(img, w[0], w[1], d.resolve("window.raw"));
      byte[] want = expected.get(i);
      checks.add(() -> assertArrayEquals(want, got, "qemu-img read of the window at " + w[0]));
    }
    List<String> cmd = new ArrayList<>(List.of(Peers.PYTHON, "-c", PYVHDI_RANGES, img.toString()));
    for (long[] w : windows) {
      cmd.add(w[0] + ":" + w[1]);
    }
    Peers.Result py = Peers.run(cmd, 120);
    checks.add(() -> assertEquals(0, py.code(), py::describe));
    if (py.code() == 0) {
      byte[] out = py.stdout();
      int nl = 0;
      while (out[nl] != '\n') {
        nl++;
      }
      long media = Long.parseLong(new String(out, 0, nl, StandardCharsets.US_ASCII));
      checks.add(() -> assertEquals(size, media, "pyvhdi media size"));
      int at = nl + 1;
      for (int i = 0; i < windows.size(); i++) {
        byte[] want = expected.get(i);
        byte[] got = Arrays.copyOfRange(out, at, Math.min(out.length, at + want.length));
        long off = windows.get(i)[0];
        checks.add(() -> assertArrayEquals(want, got, "libvhdi read at " + off));
        at += want.length;
      }
    }
    checks.add(() -> assertEquals(size, vhdiinfoMediaSize(img), "vhdiinfo media size"));
    checks.add(() -> assertEquals(size, sevenZipListedSize(img), "7-Zip's listed size"));
    assertAll(context, checks);
  }

  private static final Pattern MEDIA_SIZE = Pattern.compile("Media size\\s*:.*\\((\\d+) bytes\\)");
  private static final Pattern SEVEN_ZIP_SIZE = Pattern.compile("(?m)^Size = (\\d+)$");

  private static long vhdiinfoMediaSize(Path img) throws IOException {
    Peers.Result r = Peers.run(List.of(Peers.VHDIINFO, img.toString()), 120);
    Matcher m = MEDIA_SIZE.matcher(r.out());
    assertTrue(r.code() == 0 && m.find(), r::describe);
    return Long.parseLong(m.group(1));
  }

  /** The size 7-Zip lists for the disk inside the image ({@code 7zz l -slt}), without extracting it. */
  private static long sevenZipListedSize(Path img) throws IOException {
    Peers.Result r = Peers.run(List.of(Peers.SEVEN_ZIP, "l", "-slt", img.toString()), 120);
    Matcher m = SEVEN_ZIP_SIZE.matcher(r.out());
    assertTrue(r.code() == 0 && m.find(), r::describe);
    return Long.parseLong(m.group(1));
  }

  /**
   * An image for Azure ({@link CreateOptions#azure}): a fixed disk of exactly the requested whole
   * number of MiB, its file that size plus the footer, which is what Azure accepts. Its footer must
   * carry the same size fields as {@code qemu-img create -o subformat=fixed,force_size=on}, the
   * recipe Azure's documentation gives: current and original size exact, geometry 65535/16/255.
   * The maximum geometry is what makes every QEMU take the current size whatever the creator and
   * whatever {@code force_size_calc} says, so plain {@code qemu-img info -f vpc} (Debian's QEMU 7.2
   * would take CHS for the creator {@code vhdj}) already reports the exact size; the test also asks
   * with each explicit rule. ({@code -f vpc} is needed for any fixed VHD: qemu-img probes only for a
   * footer copy at offset 0, which fixed disks lack, and otherwise opens them as raw.)
   */
  @Test
  void shouldMakeAzureImagesOfExactlyTheRequestedSize() throws Exception {
    long seed = seed();
    Path d = Files.createDirectories(dir.resolve("azure"));
    Path img = d.resolve("azure.vhd");
    long size = 20 * MIB;
    Layer l;
    List<Op> ops;
    VhdImage v = Vhd.create(img, CreateOptions.azure(size));
    try {
      l = new Layer("azure.vhd", DiskType.FIXED, v.getSize(), 0, false, null, img);
    } catch (RuntimeException e) {
      v.close();
      throw e;
    }
    try {
      ops = workload(l, v, new Random(seed));
    } catch (IOException | RuntimeException e) {
      throw new AssertionError("seed " + seed + " (rerun with -Dvhd4j.conformance.seed=" + seed + "): " + e, e);
    }
    Path raw = Files.write(d.resolve("azure.expected.raw"), l.content);
    List<Executable> checks = new ArrayList<>();
    checks.add(() -> assertEquals(size, l.size, "vhd4j size"));
    checks.add(() -> assertEquals(size + SECTOR, Files.size(img), "file length: the disk and the footer"));
    checkStructure(l, checks);
    Subject s = new Subject(img, List.of(img), raw, DiskType.FIXED, 0, "azure");
    Map<Peer, Verdict> all = new java.util.EnumMap<>(Peer.class);
    for (Peer p : Peer.values()) {
      all.put(p, Verdict.AGREES);
    }
    checks.addAll(verdicts(s, d, all, Map.of()));
    checks.add(() -> assertEquals(size, Qemu.virtualSize(img), "qemu-img info -f vpc (QEMU 7.2's own rule)"));
    for (String calc : new String[] {"chs", "current_size"}) {
      checks.add(() -> assertEquals(size, Qemu.info(img, calc).get("virtual-size"), "qemu-img, force_size_calc=" + calc));
    }
    Path q = d.resolve("qemu-force-size.vhd");
    Peers.exec(Peers.QEMU_IMG, "create", "-q", "-f", "vpc", "-o", "subformat=fixed,force_size=on", q.toString(),
        Long.toString(size));
    byte[] ours = tail(img);
    byte[] theirs = tail(q);
    // Features, version, data offset (8..24); original and current size, geometry, disk type (40..64).
    checks.add(() -> assertArrayEquals(Arrays.copyOfRange(theirs, 8, 24), Arrays.copyOfRange(ours, 8, 24),
        "footer bytes 8-23 as qemu-img's force_size image"));
    checks.add(() -> assertArrayEquals(Arrays.copyOfRange(theirs, 40, 64), Arrays.copyOfRange(ours, 40, 64),
        "footer bytes 40-63 (sizes, geometry, type) as qemu-img's force_size image"));
    checks.add(() -> assertEquals(Files.size(q), Files.size(img), "file length as qemu-img's force_size image"));
    assertAll("seed " + seed + " (rerun with -Dvhd4j.conformance.seed=" + seed + "), writes " + ops, checks);
  }

  private static byte[] tail(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return read(ch, ch.size() - SECTOR, SECTOR).array();
    }
  }

  /**
   * CHS mode makes the size {@code qemu-img create -f vpc} makes: each requested size is created by
   * both, and vhd4j's size must be qemu-img's virtual size of its own image, with the same current
   * size and geometry in the footer. The sizes: 1 byte, an odd byte count, round sizes in MiB and
   * GiB, 127 GiB (just below the largest geometry, which it does not reach), 130 GiB (above it:
   * geometry 65535/16/255, size as requested) and the dynamic maximum of 2040 GiB.
   */
  @TestFactory
  Stream<DynamicTest> shouldRoundChsSizesLikeQemuImgCreate() throws IOException {
    Path d = Files.createDirectories(dir.resolve("chs"));
    long gib = 1024 * MIB;
    long[] sizes = {1, 12_345_678, 64 * MIB, 1000 * MIB, gib, 4 * gib, 127 * gib, 130 * gib, 2040 * gib};
    List<DynamicTest> tests = new ArrayList<>();
    for (long size : sizes) {
      for (boolean fixed : new boolean[] {false, true}) {
        String name = (fixed ? "fixed-" : "dynamic-") + size;
        tests.add(DynamicTest.dynamicTest(name, () -> {
          Path q = d.resolve(name + "-qemu.vhd");
          Path ours = d.resolve(name + "-vhd4j.vhd");
          try {
            Qemu.create(q, size, fixed, false);
            long qemuSize = Qemu.virtualSize(q);
            long vhd4jSize;
            try (VhdImage v = Vhd.create(ours, fixed ? CreateOptions.fixed(size) : CreateOptions.dynamic(size))) {
              vhd4jSize = v.getSize();
            }
            byte[] a = tail(q);
            byte[] b = tail(ours);
            long qemuOnOurs = Qemu.virtualSize(ours);
            assertAll(name,
                () -> assertEquals(qemuSize, vhd4jSize, "vhd4j's size vs qemu-img info of qemu-img's image"),
                () -> assertEquals(qemuSize, qemuOnOurs, "qemu-img info of vhd4j's image"),
                () -> assertArrayEquals(Arrays.copyOfRange(a, 40, 60), Arrays.copyOfRange(b, 40, 60),
                    "footer sizes and geometry (bytes 40-59)"));
          } finally {
            Files.deleteIfExists(q);
            Files.deleteIfExists(ours);
          }
        }));
      }
    }
    return tests.stream();
  }
}
