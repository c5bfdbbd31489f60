package io.github.vhd4j.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.github.vhd4j.BlockChecksum;
import io.github.vhd4j.ChecksumAlgorithm;
import io.github.vhd4j.ChecksumOptions;
import io.github.vhd4j.ContentChecksum;
import io.github.vhd4j.DiskImage;
import io.github.vhd4j.DiskImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code vhd checksum}: the digest of each image's guest content, what {@code sha256sum} prints
 * for the raw file {@code qemu-img convert -O raw} writes, without writing it.
 */
@Command(name = "checksum", versionProvider = VersionProvider.class,
    description = {"Print the digest of the guest content of VHD or VHDX images: the bytes of the virtual disk"
        + " in order, as sha256sum (sha512sum, md5sum) prints it for the raw file qemu-img convert -O raw"
        + " writes. Ranges an image does not store are hashed as zeros without reading them.",
        "Each image gets one line, <digest>  <IMAGE>, as sha256sum prints; with --block-size, a line"
            + " <offset> <length> <digest> per block comes before it. An image that cannot be read gets an error line"
            + " on standard error, and the others are still hashed."},
    exitCodeListHeading = Help.EXIT_CODES,
    exitCodeList = {"0:Every image was hashed.", "2:Failure: an image (or standard output) could not be read or"
        + " written, or a usage error; the other images were still hashed. One line on standard error per failure"
        + " says why."},
    footerHeading = Help.EXAMPLES,
    footer = {"  vhd checksum disk.vhd", "  vhd checksum -a md5 *.vhdx",
        "  vhd checksum --json --block-size 512K disk.vhd > manifest.json"})
final class ChecksumCommand extends BaseCommand {
  /** Compact output, one object per line; the generator must not close standard output. */
  private static final JsonFactory JSON = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

  @Option(names = {"-a", "--algorithm"}, paramLabel = "sha256|sha512|md5", converter = Algorithm.class,
      completionCandidates = Algorithm.class,
      description = "The digest. Default: sha256.")
  ChecksumAlgorithm algorithm = ChecksumAlgorithm.SHA256;

  @Option(names = "--block-size", paramLabel = "N", converter = BlockSize.class,
      description = "Also hash every block of N bytes on its own (a multiple of 512, with K M G T; the last block"
          + " may be shorter), for example 512K as the EBS direct APIs use: a manifest another tool can check"
          + " any part of the disk against.")
  long blockSize;

  @Option(names = "--json", description = "Print one JSON object per image, one per line (docs/cli-json.md).")
  boolean json;

  @Option(names = "-p", description = "Show a progress bar on standard error.")
  boolean progress;

  @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "The images (VHD or VHDX).")
  Path[] images = new Path[0];

  ChecksumCommand(Io io) {
    super(io);
  }

  @Override
  String subject() {
    // Only a failure outside the loop over the images names this one (picocli requires at least one).
    return images.length == 0 ? "vhd" : images[0].toString();
  }

  @Override
  int execute() throws Exception {
    ChecksumOptions options = ChecksumOptions.defaults().withAlgorithm(algorithm).withBlockSize(blockSize);
    int code = 0;
    for (Path image : images) {
      try {
        hash(image, options);
      } catch (Exception | Error e) {
        // One line for this image, then the next: a failure ends no more than its own image.
        code = Errors.report(io.err, image.toString(), e instanceof UncheckedIOException u ? u.getCause() : e,
            common.debug);
      }
    }
    return code;
  }

  private void hash(Path image, ChecksumOptions options) throws IOException {
    String label = image.toString();
    try (DiskImage img = DiskImages.open(image, common.openOptions())) {
      Warnings.print(io, img.getWarnings());
      Progress.Bar bar = new Progress.Bar(io.err, progress);
      if (json) {
        hashJson(img, label, options, bar);
      } else {
        hashText(img, label, options, bar);
      }
    }
  }

  /** Streams the manifest's lines as the blocks are hashed, then the image's line, which needs the whole digest. */
  private void hashText(DiskImage img, String label, ChecksumOptions options, Progress.Bar bar) throws IOException {
    ContentChecksum sum = bar.around(() -> checksum(img, options, bar,
        b -> io.out.println(b.offset() + " " + b.length() + " " + b.digest())));
    io.out.println(line(sum.digest(), label));
  }

  /**
   * Writes one object on one line. The blocks are written as they are hashed, so a manifest of
   * any length needs no memory; the digest comes last, when it is known. A failure after the
   * object began closes it with an {@code error} key, so that every line stays one JSON object.
   */
  private void hashJson(DiskImage img, String label, ChecksumOptions options, Progress.Bar bar) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(io.out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("filename", label);
      g.writeStringField("format", img.getFormat().name().toLowerCase(Locale.ROOT));
      g.writeStringField("algorithm", options.algorithm().shortName());
      g.writeNumberField("virtual-size", img.getSize());
      if (options.hasManifest()) {
        g.writeNumberField("block-size", options.blockSize());
        g.writeArrayFieldStart("blocks");
      }
      Consumer<BlockChecksum> writer = b -> {
        try {
          g.writeStartObject();
          g.writeNumberField("offset", b.offset());
          g.writeNumberField("length", b.length());
          g.writeStringField("digest", b.digest());
          g.writeBooleanField("data", b.data());
          g.writeEndObject();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };
      ContentChecksum sum;
      try {
        sum = bar.around(() -> checksum(img, options, bar, writer));
      } catch (IOException | RuntimeException e) {
        if (options.hasManifest()) {
          g.writeEndArray();
        }
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        g.writeStringField("error", Errors.message(t, label));
        g.writeEndObject();
        g.flush();
        io.out.println();
        throw e;
      }
      if (options.hasManifest()) {
        g.writeEndArray();
      }
      g.writeStringField("digest", sum.digest());
      g.writeEndObject();
    }
    io.out.println();
  }

  /**
   * Hashes the image, streaming the manifest's blocks when there is one: then each block's end is
   * the progress, since the blocks arrive in order on this thread.
   */
  private static ContentChecksum checksum(DiskImage img, ChecksumOptions options, Progress.Bar bar,
      Consumer<BlockChecksum> blocks) throws IOException {
    if (!options.hasManifest()) {
      return DiskImages.checksum(img, options, bar);
    }
    long size = img.getSize();
    return DiskImages.checksumBlocks(img, options, b -> {
      blocks.accept(b);
      bar.progress(b.end(), size);
    });
  }

  /**
   * Formats a line as {@code sha256sum} does: {@code <digest>  <name>}, and for a name holding a
   * backslash or a line break, a backslash first and those escaped ({@code \\}, {@code \n},
   * {@code \r}), so that the line stays one line.
   *
   * @param digest the digest in hexadecimal
   * @param name the file name
   * @return the line
   */
  static String line(String digest, String name) {
    if (name.indexOf('\\') < 0 && name.indexOf('\n') < 0 && name.indexOf('\r') < 0) {
      return digest + "  " + name;
    }
    String escaped = name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    return "\\" + digest + "  " + escaped;
  }

  /** {@code sha256}, {@code sha512} or {@code md5}, also the option's completion candidates. */
  static final class Algorithm implements ITypeConverter<ChecksumAlgorithm>, Iterable<String> {
    @Override
    public ChecksumAlgorithm convert(String value) {
      try {
        return ChecksumAlgorithm.named(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("expected one of sha256, sha512, md5 but was '" + value + "'");
      }
    }

    @Override
    public Iterator<String> iterator() {
      return List.of("sha256", "sha512", "md5").iterator();
    }
  }

  /** A manifest's block size: a size as {@link Sizes#parse} reads it, a positive multiple of 512. */
  static final class BlockSize implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      long v;
      try {
        v = Sizes.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(String.valueOf(e.getMessage()));
      }
      if (v <= 0 || v % ChecksumOptions.SECTOR != 0) {
        throw new TypeConversionException("block size " + value + " is not a positive multiple of "
            + ChecksumOptions.SECTOR);
      }
      return v;
    }
  }

}
