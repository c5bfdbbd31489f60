package io.github.vhd4j.conformance;

import io.github.vhd4j.cli.testing.JsonTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * qemu-img and qemu-io on VHDX files (format named explicitly, {@code -f vhdx}), as the VHDX
 * conformance tests drive them. Every call fails with the tool's own words when the tool fails.
 */
final class QemuVhdx {
  private QemuVhdx() {}

  /**
   * The {@code -o} value of {@code qemu-img create -f vhdx}.
   *
   * @param fixed subformat fixed (every block allocated) or dynamic
   * @param blockSize the block size in bytes
   * @param blockStateZero for fixed files: whether QEMU marks the blocks ZERO (its default) or
   *     leaves them FULLY_PRESENT over the file's (sparse) zeros
   */
  static String createOptions(boolean fixed, long blockSize, boolean blockStateZero) {
    return "subformat=" + (fixed ? "fixed" : "dynamic") + ",block_size=" + blockSize
        + (fixed ? ",block_state_zero=" + (blockStateZero ? "on" : "off") : "");
  }

  static void create(Path img, long size, boolean fixed, long blockSize, boolean blockStateZero) throws IOException {
    Peers.exec(Peers.QEMU_IMG, "create", "-q", "-f", "vhdx", "-o", createOptions(fixed, blockSize, blockStateZero),
        img.toString(), Long.toString(size));
  }

  /** Runs qemu-io commands ({@code write -P}, {@code write -z}, {@code discard}...) in one process. */
  static void io(Path img, List<String> commands) throws IOException {
    if (commands.isEmpty()) {
      return;
    }
    List<String> cmd = new ArrayList<>(List.of(Peers.QEMU_IO, "-f", "vhdx"));
    for (String c : commands) {
      cmd.add("-c");
      cmd.add(c);
    }
    cmd.add(img.toString());
    Peers.exec(cmd.toArray(String[]::new));
  }

  /** {@code qemu-img info -f vhdx}, run whatever its exit code. */
  static Peers.Result infoResult(Path img) throws IOException {
    return Peers.run(List.of(Peers.QEMU_IMG, "info", "-f", "vhdx", "--output=json", img.toString()), 120);
  }

  static Map<String, Object> info(Path img) throws IOException {
    return JsonTree.object(Peers.exec(Peers.QEMU_IMG, "info", "-f", "vhdx", "--output=json", img.toString()));
  }

  static List<Map<String, Object>> mapJson(Path img) throws IOException {
    return JsonTree.objects(Peers.exec(Peers.QEMU_IMG, "map", "-f", "vhdx", "--output=json", img.toString()));
  }

  /** {@code qemu-img convert -f vhdx -O raw}: the reference content (written sparse). */
  static Path toRaw(Path img, Path raw) throws IOException {
    Files.deleteIfExists(raw);
    Peers.exec(Peers.QEMU_IMG, "convert", "-f", "vhdx", "-O", "raw", img.toString(), raw.toString());
    return raw;
  }

  /** {@code qemu-img convert -f vhdx -O raw}, run whatever its exit code. */
  static Peers.Result toRawResult(Path img, Path raw) throws IOException {
    Files.deleteIfExists(raw);
    return Peers.run(List.of(Peers.QEMU_IMG, "convert", "-f", "vhdx", "-O", "raw", img.toString(), raw.toString()),
        600);
  }

  /** {@code qemu-img check -r all}: on a dirty file it replays the log into the file. */
  static Peers.Result checkRepair(Path img) throws IOException {
    return Peers.run(List.of(Peers.QEMU_IMG, "check", "-r", "all", "-f", "vhdx", img.toString()), 120);
  }

  /** {@code qemu-img check} without repairing. */
  static Peers.Result check(Path img) throws IOException {
    return Peers.run(List.of(Peers.QEMU_IMG, "check", "-f", "vhdx", img.toString()), 120);
  }

  /**
   * The extents of a raw file that hold data, as {@code qemu-img map -f raw} finds them with
   * SEEK_DATA: everything else is a hole.
   */
  static List<Map<String, Object>> rawDataExtents(Path raw) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> e : JsonTree.objects(
        Peers.exec(Peers.QEMU_IMG, "map", "-f", "raw", "--output=json", raw.toString()))) {
      if (Boolean.TRUE.equals(e.get("data"))) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * Reads a guest range through QEMU's VHDX driver: {@code qemu-img convert} of a raw window (the
   * raw driver's offset and size) stacked on the image. Offset and length are whole sectors.
   */
  static byte[] readRange(Path img, long offset, long length, Path scratch) throws IOException {
    return Qemu.readRange("vhdx", img, offset, length, scratch);
  }

}
