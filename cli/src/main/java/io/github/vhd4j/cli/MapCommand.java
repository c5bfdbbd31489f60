package io.github.vhd4j.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.github.vhd4j.DiskImage;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.Extent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vhd map}: the allocation map, in {@code qemu-img map}'s two output formats. */
@Command(name = "map", versionProvider = VersionProvider.class,
    description = {"Print which ranges of the virtual disk hold data and where (which image of the chain,"
        + " which file offset), and which read as zeros.",
        "The human format lists data runs only; --json lists every run, like qemu-img map --output=json."},
    exitCodeListHeading = Help.EXIT_CODES,
    exitCodeList = {Help.OK, Help.FAILED},
    footerHeading = Help.EXAMPLES,
    footer = {"  vhd map disk.vhd", "  vhd map --json child.vhd"})
final class MapCommand extends ImageCommand {
  @Option(names = "--json", description = "Print JSON: an array of {start, length, depth, present, zero, data,"
      + " offset}, one run per line (docs/cli-json.md).")
  boolean json;

  MapCommand(Io io) {
    super(io);
  }

  @Override
  int execute() throws Exception {
    try (DiskImage img = DiskImages.open(image, common.openOptions())) {
      Warnings.print(io, img.getWarnings());
      try {
        if (json) {
          writeJson(img);
        } else {
          writeText(img);
        }
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    return 0;
  }

  private void writeJson(DiskImage img) throws IOException {
    try (JsonGenerator g = Json.lines(io.out)) {
      g.writeStartArray();
      if (img.getSize() == 0) {
        // qemu-img lists an empty disk as one empty run that nothing backs; print the same.
        g.writeStartObject();
        g.writeNumberField("start", 0);
        g.writeNumberField("length", 0);
        g.writeNumberField("depth", 0);
        g.writeBooleanField("present", false);
        g.writeBooleanField("zero", false);
        g.writeBooleanField("data", false);
        g.writeEndObject();
      }
      // Streamed: a 2 TiB differencing disk can have millions of runs.
      img.forEachExtent(0, img.getSize(), e -> {
        try {
          io.checkStdout();
          g.writeStartObject();
          g.writeNumberField("start", e.start());
          g.writeNumberField("length", e.length());
          g.writeNumberField("depth", e.depth());
          g.writeBooleanField("present", true);
          g.writeBooleanField("zero", !e.data());
          g.writeBooleanField("data", e.data());
          if (e.data()) {
            g.writeNumberField("offset", e.fileOffset());
          }
          g.writeEndObject();
        } catch (IOException x) {
          throw new UncheckedIOException(x);
        }
      });
      g.writeEndArray();
    }
    io.out.println();
  }

  private void writeText(DiskImage img) throws IOException {
    List<DiskImage> chain = img.getLayers();
    io.out.printf("%-16s%-16s%-16s%s%n", "Offset", "Length", "Mapped to", "File");
    img.forEachExtent(0, img.getSize(), e -> {
      try {
        io.checkStdout();
      } catch (CliException x) {
        throw new UncheckedIOException(x);
      }
      if (e.data()) {
        io.out.printf("%-16s%-16s%-16s%s%n", Sizes.hex(e.start()), Sizes.hex(e.length()),
            Sizes.hex(e.fileOffset()), Errors.oneLine(layerName(chain, e)));
      }
    });
  }

  private static String layerName(List<DiskImage> chain, Extent e) {
    DiskImage layer = chain.get(Math.min(e.depth(), chain.size() - 1));
    Path p = layer.getPath();
    return p == null ? layer.getResource() : p.toString();
  }
}
