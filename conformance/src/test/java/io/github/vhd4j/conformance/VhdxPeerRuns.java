package io.github.vhd4j.conformance;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.VhdException;
import io.github.vhd4j.Vhdx;
import io.github.vhd4j.VhdxImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Small VHDX files (a few MiB) read whole by each reader, for the divergence tests: what each one
 * returns, or the words it refuses with. Nothing here judges; the tests say who is right.
 */
final class VhdxPeerRuns {
  private VhdxPeerRuns() {}

  /** A reader's answer: the guest bytes, or (content null) why it gave none. */
  record Read(byte @Nullable [] content, String error) {
    boolean refused() {
      return content == null;
    }

    byte[] bytes() {
      if (content == null) {
        throw new AssertionError("refused: " + error);
      }
      return content;
    }

    @Override
    public String toString() {
      return content == null ? "refused: " + error : content.length + " bytes";
    }
  }

  /** qemu-img: {@code info}, then {@code convert -O raw} of the whole disk. */
  static Read qemu(Path img, Path scratch) throws IOException {
    Peers.Result info = QemuVhdx.infoResult(img);
    if (info.code() != 0) {
      return new Read(null, info.stderr().strip());
    }
    Peers.Result convert = QemuVhdx.toRawResult(img, scratch);
    if (convert.code() != 0) {
      return new Read(null, convert.stderr().strip());
    }
    byte[] b = Files.readAllBytes(scratch);
    Files.delete(scratch);
    return new Read(b, "");
  }

  /** libvhdi through pyvhdi: the chain (nearest first) read in 64 KiB pieces. */
  static Read libvhdi(Path... chain) {
    try {
      return new Read(PeerVerifier.libvhdiRead(List.of(chain), "chunks").content(), "");
    } catch (IOException e) {
      return new Read(null, e.getMessage());
    }
  }

  /** vhd4j, strictly or leniently; a refusal keeps the exception. */
  record Ours(@Nullable VhdException refusal, byte @Nullable [] content, List<io.github.vhd4j.Problem> warnings) {
    VhdException refused() {
      if (refusal == null) {
        throw new AssertionError("vhd4j opened the file");
      }
      return refusal;
    }

    byte[] bytes() {
      if (content == null) {
        throw new AssertionError("vhd4j refused: " + refusal.getMessage());
      }
      return content;
    }
  }

  static Ours vhd4j(Path img, boolean lenient) throws IOException {
    try (VhdxImage image = Vhdx.open(img, OpenOptions.defaults().withLenient(lenient))) {
      return new Ours(null, Content.read(image, 0, Math.toIntExact(image.getSize())), image.getWarnings());
    } catch (VhdException e) {
      return new Ours(e, null, List.of());
    }
  }
}
