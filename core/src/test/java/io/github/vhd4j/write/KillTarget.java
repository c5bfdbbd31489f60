package io.github.vhd4j.write;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The process {@link KillTest} kills: opens an image for writing and writes the seeded sequence
 * of {@link #next} forever, printing {@code done N} after write N returns, until it is killed.
 */
public final class KillTarget {
  private KillTarget() {}

  /** One write of the sequence. */
  record Write(long pos, byte[] data) {}

  /**
   * Returns write {@code i} of the sequence for {@code seed} on a disk of {@code size} bytes; the
   * test calls it with the same arguments to know what was written.
   */
  static Write next(Random r, long size) {
    int len = r.nextInt(4) == 0 ? 1 + r.nextInt(200_000) : 1 + r.nextInt(3000);
    long pos = (long) (r.nextDouble() * (size - len));
    byte[] data = new byte[len];
    if (r.nextInt(6) != 0) {
      r.nextBytes(data);
    }
    return new Write(pos, data);
  }

  /**
   * Writes until killed.
   *
   * @param args image path, seed
   * @throws Exception on any failure (the test then sees an exit code instead of a kill)
   */
  public static void main(String[] args) throws Exception {
    Path image = Path.of(args[0]);
    Random r = new Random(Long.parseLong(args[1]));
    OpenOptions o = OpenOptions.forWriting().withParentDirectories(List.of(image.toAbsolutePath().getParent()));
    try (VhdImage img = Vhd.open(image, o)) {
      System.out.println("ready");
      System.out.flush();
      for (int i = 0; i < 1_000_000; i++) {
        Write w = next(r, img.getSize());
        img.write(w.pos(), ByteBuffer.wrap(w.data()));
        if (i % 16 == 15) {
          img.flush();
        }
        System.out.println("done " + i);
        System.out.flush();
      }
    }
  }
}
