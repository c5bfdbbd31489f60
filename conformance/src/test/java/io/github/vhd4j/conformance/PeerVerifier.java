package io.github.vhd4j.conformance;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.SizeSource;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads one VHD image with every peer and says, per peer, whether it agrees with the expected
 * guest content: {@code qemu-img compare} against the expected raw file, {@code qemu-img info} and
 * {@code map}, {@code vhdiinfo}, libvhdi through pyvhdi, and {@code 7zz x} (which follows
 * differencing chains by itself). It is the oracle for every image vhd4j writes: images from the
 * test builder and {@code vhd convert -O raw} output ({@link BuilderImagesPeerTest}) and images made
 * by {@code Vhd.create} and written through the API ({@link WriterPeerTest}), and images made or
 * changed by convert, resize, compact, commit and repair ({@link OperationsPeerTest}), through
 * {@link Subject}s that any producer can make.
 */
final class PeerVerifier {
  /** The peers, each one way of reading the image. */
  enum Peer {
    /** {@code qemu-img compare} of the image with the expected raw content. */
    QEMU_COMPARE,
    /** {@code qemu-img info}: virtual size (and block size of sparse images). */
    QEMU_INFO,
    /** {@code qemu-img map}: data runs against vhd4j's map. */
    QEMU_MAP,
    /** {@code vhdiinfo}: media size and disk type. */
    VHDIINFO,
    /** libvhdi through pyvhdi: the content, read in 64 KiB pieces, parents wired by hand. */
    LIBVHDI,
    /** {@code 7zz x}: the extracted disk. */
    SEVEN_ZIP
  }

  enum Verdict { AGREES, DIFFERS, REFUSES }

  record Outcome(Peer peer, Verdict verdict, String detail) {
    @Override
    public String toString() {
      return peer + " " + verdict + (detail.isEmpty() ? "" : ": " + detail);
    }
  }

  /**
   * What to verify.
   *
   * @param image the image file (its parents, for a differencing disk, beside it)
   * @param chain the image followed by its ancestors, nearest first (libvhdi needs them wired by hand)
   * @param expectedRaw the guest content every reader must return
   * @param type the disk type
   * @param blockSize the block size of sparse images (0 for fixed)
   * @param description names the subject in failure messages
   */
  record Subject(Path image, List<Path> chain, Path expectedRaw, DiskType type, long blockSize, String description) {
    @Override
    public String toString() {
      return description;
    }
  }

  /**
   * Makes a subject in a directory (BuilderImagesPeerTest's producers; WriterPeerTest makes its
   * subjects together with a model of their blocks and bitmaps, which it needs for its own checks).
   */
  @FunctionalInterface
  interface Producer {
    Subject produce(Path dir) throws IOException;
  }

  private static final Pattern MEDIA_SIZE = Pattern.compile("Media size\\s*:.*\\((\\d+) bytes\\)");
  private static final Pattern DISK_TYPE = Pattern.compile("Disk type\\s*:\\s*(\\S+)");

  private PeerVerifier() {}

  /** The peer tools a full verification needs. */
  static String[] tools() {
    return new String[] {Peers.QEMU_IMG, Peers.SEVEN_ZIP, Peers.VHDIINFO, Peers.PYVHDI};
  }

  /**
   * QEMU's size rule stated explicitly: QEMU 10 takes the CHS size only for creators "vpc " and
   * "qemu" (and never for the maximum geometry); Debian's qemu-img 7.2 would take CHS for every
   * creator not on its own list. Passing QEMU 10's answer makes both read what vhd4j's default
   * policy reads; the difference itself is pinned in DivergenceTest.
   */
  static String qemu10SizeCalc(Path image) throws IOException {
    try (VhdImage img = openForComparison(image)) {
      return img.getSizeInfo().source() == SizeSource.CHS ? "chs" : "current_size";
    }
  }

  /**
   * Opens an image for the size rule and the map the peers are compared with: strictly, or
   * leniently when strict opening refuses it. A damaged image (OperationsPeerTest records what the
   * peers make of its repair inputs) is then compared with what vhd4j reads of it leniently; a
   * healthy image opens the same either way.
   */
  static VhdImage openForComparison(Path image) throws IOException {
    try {
      return Vhd.open(image);
    } catch (VhdFormatException e) {
      return Vhd.open(image, OpenOptions.defaults().withLenient(true));
    }
  }

  static Map<Peer, Outcome> verify(Subject s, Path work) throws IOException {
    return verify(s, work, EnumSet.allOf(Peer.class));
  }

  /**
   * Verifies with some of the peers only: a caller that knows a peer reads this subject otherwise
   * (QEMU and a differencing disk, for example) runs that peer against its own expectation.
   */
  static Map<Peer, Outcome> verify(Subject s, Path work, Set<Peer> peers) throws IOException {
    Map<Peer, Outcome> out = new EnumMap<>(Peer.class);
    long expectedSize = Files.size(s.expectedRaw());
    String calc = qemu10SizeCalc(s.image());
    if (peers.contains(Peer.QEMU_COMPARE)) {
      out.put(Peer.QEMU_COMPARE, qemuCompare(s.image(), calc, s.expectedRaw()));
    }
    if (peers.contains(Peer.QEMU_INFO)) {
      out.put(Peer.QEMU_INFO, qemuInfo(s, calc, expectedSize));
    }
    if (peers.contains(Peer.QEMU_MAP)) {
      out.put(Peer.QEMU_MAP, qemuMap(s, calc));
    }
    if (peers.contains(Peer.VHDIINFO)) {
      out.put(Peer.VHDIINFO, vhdiinfo(s, expectedSize));
    }
    if (peers.contains(Peer.LIBVHDI)) {
      out.put(Peer.LIBVHDI, libvhdi(s));
    }
    if (peers.contains(Peer.SEVEN_ZIP)) {
      out.put(Peer.SEVEN_ZIP, sevenZip(s, work));
    }
    return out;
  }

  /** {@code qemu-img compare} of a vpc image (read with the size rule {@code calc}) with a raw file. */
  static Outcome qemuCompare(Path image, String calc, Path raw) throws IOException {
    Peers.Result r = Peers.run(List.of(Peers.QEMU_IMG, "compare", "--image-opts",
        Qemu.vpcImageOpts(image, calc),
        "driver=raw,file.filename=" + raw.toString().replace(",", ",,")),
        600);
    return switch (r.code()) {
      case 0 -> new Outcome(Peer.QEMU_COMPARE, Verdict.AGREES, "");
      case 1 -> new Outcome(Peer.QEMU_COMPARE, Verdict.DIFFERS, (r.out() + r.stderr()).strip());
      default -> new Outcome(Peer.QEMU_COMPARE, Verdict.REFUSES, r.describe());
    };
  }

  private static Outcome qemuInfo(Subject s, String calc, long expectedSize) {
    try {
      Map<String, Object> info = Qemu.info(s.image(), calc);
      Object size = info.get("virtual-size");
      Object cluster = info.get("cluster-size");
      boolean ok = Long.valueOf(expectedSize).equals(size)
          && (s.type() == DiskType.FIXED || Long.valueOf(s.blockSize()).equals(cluster));
      return new Outcome(Peer.QEMU_INFO, ok ? Verdict.AGREES : Verdict.DIFFERS,
          ok ? "" : "virtual-size " + size + " cluster-size " + cluster);
    } catch (IOException e) {
      return new Outcome(Peer.QEMU_INFO, Verdict.REFUSES, e.getMessage());
    }
  }

  private static Outcome qemuMap(Subject s, String calc) throws IOException {
    List<Run> theirs;
    try {
      theirs = Run.fromQemu(Qemu.mapJson(s.image(), calc));
    } catch (IOException e) {
      return new Outcome(Peer.QEMU_MAP, Verdict.REFUSES, e.getMessage());
    }
    List<Run> ours;
    try (VhdImage img = openForComparison(s.image())) {
      ours = Run.fromExtents(img.map());
    }
    if (s.type() == DiskType.FIXED) {
      theirs = Run.covered(theirs);
      ours = Run.covered(ours);
    }
    boolean ok = theirs.equals(ours);
    return new Outcome(Peer.QEMU_MAP, ok ? Verdict.AGREES : Verdict.DIFFERS,
        ok ? "" : "qemu-img map " + theirs + ", vhd4j " + ours);
  }

  private static Outcome vhdiinfo(Subject s, long expectedSize) throws IOException {
    Peers.Result r = Peers.run(List.of(Peers.VHDIINFO, s.image().toString()), 120);
    String text = r.out();
    Matcher size = MEDIA_SIZE.matcher(text);
    Matcher type = DISK_TYPE.matcher(text);
    if (r.code() != 0 || !size.find() || !type.find()) {
      return new Outcome(Peer.VHDIINFO, Verdict.REFUSES, r.describe());
    }
    String expectedType = switch (s.type()) {
      case FIXED -> "Fixed";
      case DYNAMIC -> "Dynamic";
      default -> "Differential";
    };
    long got = Long.parseLong(size.group(1));
    boolean ok = got == expectedSize && type.group(1).equals(expectedType);
    return new Outcome(Peer.VHDIINFO, ok ? Verdict.AGREES : Verdict.DIFFERS,
        ok ? "" : "media size " + got + ", disk type " + type.group(1));
  }

  /**
   * A Python function for the pyvhdi scripts of every test: {@code open_chain(paths)} opens the
   * files nearest first, wires each to its parent with {@code set_parent} and returns them all (the
   * list keeps the parents open while the top is read).
   */
  static final String PYVHDI_OPEN_CHAIN = String.join("\n",
      "def open_chain(paths):",
      "    files = []",
      "    for p in paths:",
      "        f = pyvhdi.file()",
      "        f.open(p)",
      "        if files:",
      "            files[-1].set_parent(f)",
      "        files.append(f)",
      "    return files");

  /**
   * The Python side of the libvhdi peer: opens the chain (parents wired with set_parent), prints
   * the media size, then writes the content, read as {@code mode} says: "chunks" (64 KiB reads),
   * "whole" (one read of the whole disk) or "sectors" (512-byte reads).
   */
  static final String PYVHDI_READ = String.join("\n",
      "import pyvhdi, sys",
      PYVHDI_OPEN_CHAIN,
      "mode, paths = sys.argv[1], sys.argv[2:]",
      "files = open_chain(paths)",
      "top = files[0]",
      "size = top.media_size",
      "out = sys.stdout.buffer",
      "out.write(b'%d\\n' % size)",
      "step = {'chunks': 65536, 'sectors': 512, 'whole': max(size, 1)}[mode]",
      "for off in range(0, size, step):",
      "    out.write(top.read_buffer_at_offset(min(step, size - off), off))",
      "");

  /** What libvhdi returns for the whole disk: its media size and the bytes read. */
  record LibvhdiRead(long mediaSize, byte[] content) {}

  static LibvhdiRead libvhdiRead(List<Path> chain, String mode) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Peers.PYTHON, "-c", PYVHDI_READ, mode));
    chain.forEach(p -> cmd.add(p.toString()));
    Peers.Result r = Peers.run(cmd, 600);
    if (r.code() != 0) {
      throw new IOException(r.describe());
    }
    byte[] b = r.stdout();
    int nl = 0;
    while (b[nl] != '\n') {
      nl++;
    }
    long size = Long.parseLong(new String(b, 0, nl, java.nio.charset.StandardCharsets.US_ASCII));
    return new LibvhdiRead(size, java.util.Arrays.copyOfRange(b, nl + 1, b.length));
  }

  private static Outcome libvhdi(Subject s) throws IOException {
    LibvhdiRead read;
    try {
      read = libvhdiRead(s.chain(), "chunks");
    } catch (IOException e) {
      return new Outcome(Peer.LIBVHDI, Verdict.REFUSES, e.getMessage());
    }
    byte[] expected = Files.readAllBytes(s.expectedRaw());
    long at = Content.mismatch(expected, read.content());
    return new Outcome(Peer.LIBVHDI, at < 0 ? Verdict.AGREES : Verdict.DIFFERS,
        at < 0 ? "" : "media size " + read.mediaSize() + ", first difference at guest offset " + at);
  }

  private static Outcome sevenZip(Subject s, Path work) throws IOException {
    Path out = work.resolve("7z-" + s.image().getFileName());
    try {
      Peers.Result r = Peers.run(List.of(Peers.SEVEN_ZIP, "x", "-y", "-bd", "-o" + out, s.image().toString()), 600);
      List<Path> files = Files.exists(out) ? list(out) : List.of();
      if (files.size() != 1) {
        return new Outcome(Peer.SEVEN_ZIP, Verdict.REFUSES, r.describe());
      }
      long at = Files.mismatch(s.expectedRaw(), files.get(0));
      if (r.code() != 0) {
        return new Outcome(Peer.SEVEN_ZIP, Verdict.DIFFERS, "exit " + r.code() + (at < 0 ? " with the right content: "
            : " and content differs at " + at + ": ") + (r.out() + r.stderr()).strip().replaceAll("\\s+", " "));
      }
      return new Outcome(Peer.SEVEN_ZIP, at < 0 ? Verdict.AGREES : Verdict.DIFFERS,
          at < 0 ? "" : "extracted content differs at guest offset " + at);
    } finally {
      if (Files.exists(out)) {
        try (Stream<Path> w = Files.walk(out)) {
          for (Path p : w.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    }
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
