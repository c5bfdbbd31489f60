package io.github.vhd4j.conformance;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * 7-Zip and libvhdi reading VHDX files. 7-Zip extracts the disk to its standard output
 * ({@code 7zz e -tvhdx -so}; without {@code -tvhdx} it would descend into the partitions inside)
 * and follows a differencing chain through the locator by itself; libvhdi is driven through
 * pyvhdi, with the parents wired by hand ({@code set_parent}). Whole disks are compared as
 * {@link ContentPrint}s, streamed, so a 40 GiB sparse disk costs no memory.
 */
final class VhdxReaders {
  private static final Pattern MEDIA_SIZE = Pattern.compile("Media size\\s*:.*\\((\\d+) bytes\\)");

  /**
   * The Python side of libvhdi: opens the chain (nearest first, parents wired with set_parent),
   * writes the media size on a line, then either the print of the whole disk read in 1 MiB pieces
   * ({@code print}) or the bytes of the windows {@code off:len,...} ({@code windows}).
   */
  static final String PYVHDI = String.join("\n",
      "import pyvhdi, sys, hashlib",
      PeerVerifier.PYVHDI_OPEN_CHAIN,
      "mode, spec, paths = sys.argv[1], sys.argv[2], sys.argv[3:]",
      "files = open_chain(paths)",
      "top = files[0]",
      "size = top.media_size",
      "out = sys.stdout.buffer",
      "out.write(b'%d\\n' % size)",
      "if mode == 'print':",
      "    step = 1 << 20",
      "    zero = bytes(step)",
      "    for off in range(0, size, step):",
      "        n = min(step, size - off)",
      "        b = top.read_buffer_at_offset(n, off)",
      "        if b != zero[:n]:",
      "            out.write(b'%d %s\\n' % (off, hashlib.sha256(b).hexdigest().encode()))",
      "else:",
      "    for w in spec.split(','):",
      "        off, n = map(int, w.split(':'))",
      "        b = top.read_buffer_at_offset(n, off)",
      "        out.write(b + bytes(n - len(b)))",
      "");

  private VhdxReaders() {}

  /** What {@code 7zz e -tvhdx -so} did: its exit code, the print of what it wrote, and its messages. */
  record SevenZip(int code, ContentPrint print, String messages) {
    String describe() {
      return "7zz exited " + code + ": " + messages.strip().replaceAll("\\s+", " ");
    }
  }

  /** Extracts the disk with 7-Zip, streaming its output into a print. */
  static SevenZip sevenZip(Path img) throws IOException {
    Path err = Files.createTempFile("vhd4j-7z", ".err");
    try {
      Process p = new ProcessBuilder(Peers.SEVEN_ZIP, "e", "-tvhdx", "-so", "-y", img.toString())
          .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      ContentPrint print;
      try (InputStream in = p.getInputStream()) {
        print = ContentPrint.of(in);
      }
      if (!p.waitFor(600, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("7zz timed out on " + img);
      }
      return new SevenZip(p.exitValue(), print, Files.readString(err));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /** What libvhdi did: its media size and print, or its error (then null print). */
  record Libvhdi(long mediaSize, ContentPrint print, String error) {
    boolean refused() {
      return print == null;
    }
  }

  private static List<String> pyvhdi(String mode, String spec, List<Path> chain) {
    List<String> cmd = new ArrayList<>(List.of(Peers.PYTHON, "-c", PYVHDI, mode, spec));
    chain.forEach(p -> cmd.add(p.toString()));
    return cmd;
  }

  /** Reads a chain (the image, then its ancestors) with libvhdi into a print. */
  static Libvhdi libvhdi(List<Path> chain) throws IOException {
    Peers.Result r = Peers.run(pyvhdi("print", "-", chain), 600);
    if (r.code() != 0) {
      return new Libvhdi(-1, null, r.stderr().strip());
    }
    ContentPrint print = ContentPrint.parse(r.stdout());
    return new Libvhdi(print.size(), print, "");
  }

  /**
   * Reads windows of a chain with libvhdi.
   *
   * @param windows pairs of offset and length
   * @return the bytes of each window (zeros where libvhdi returned fewer)
   */
  static byte[][] libvhdiWindows(List<Path> chain, long[]... windows) throws IOException {
    StringBuilder spec = new StringBuilder();
    for (long[] w : windows) {
      spec.append(spec.length() == 0 ? "" : ",").append(w[0]).append(':').append(w[1]);
    }
    Peers.Result r = Peers.run(pyvhdi("windows", spec.toString(), chain), 300);
    if (r.code() != 0) {
      throw new IOException(r.describe());
    }
    byte[] out = r.stdout();
    int at = 0;
    while (out[at] != '\n') {
      at++;
    }
    at++;
    byte[][] result = new byte[windows.length][];
    for (int i = 0; i < windows.length; i++) {
      result[i] = Arrays.copyOfRange(out, at, at + (int) windows[i][1]);
      at += (int) windows[i][1];
    }
    return result;
  }

  /** {@code vhdiinfo}, run whatever its exit code. */
  static Peers.Result vhdiinfo(Path img) throws IOException {
    return Peers.run(List.of(Peers.VHDIINFO, img.toString()), 60);
  }

  /** The media size {@code vhdiinfo} reports, or -1 when it refuses the file. */
  static long vhdiinfoMediaSize(Path img) throws IOException {
    Peers.Result r = vhdiinfo(img);
    Matcher m = MEDIA_SIZE.matcher(r.out());
    return r.code() == 0 && m.find() ? Long.parseLong(m.group(1)) : -1;
  }
}
