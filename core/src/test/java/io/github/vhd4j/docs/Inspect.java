package io.github.vhd4j.docs;

import io.github.vhd4j.*;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

public class Inspect {
  public static void main(String[] args) throws Exception {
    try (VhdImage image = Vhd.open(Path.of(args[0]))) {               // strict: damage throws VhdFormatException
      System.out.println(image.getDiskType() + ", " + image.getSize() + " bytes");
      ByteBuffer start = ByteBuffer.allocate(34);
      image.readFully(0, start);                                       // positional reads, from any thread
      System.out.println(new String(start.array(), StandardCharsets.US_ASCII));
      for (Extent run : image.map()) System.out.println(run);          // data and zero runs, as qemu-img map
      DiskImages.convertToRaw(image, Path.of(args[1]), Durability.NONE, ProgressListener.none());
    }
    System.out.println(Vhd.check(Path.of(args[0])).problems());         // every problem; never throws for damage
  }
}
