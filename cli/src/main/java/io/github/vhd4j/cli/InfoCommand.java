package io.github.vhd4j.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.github.vhd4j.DiskFormat;
import io.github.vhd4j.DiskImage;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.DynamicHeader;
import io.github.vhd4j.Footer;
import io.github.vhd4j.Geometry;
import io.github.vhd4j.ParentResolution;
import io.github.vhd4j.Problem;
import io.github.vhd4j.Severity;
import io.github.vhd4j.SizeInfo;
import io.github.vhd4j.SizeSource;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.VhdxImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vhd info}: the image's metadata, like {@code qemu-img info}. */
@Command(name = "info", versionProvider = VersionProvider.class,
    description = {"Show the metadata of a VHD or VHDX image: type, sizes, geometry or sector sizes, creator, log, parent chain and"
        + " every warning found while opening it.",
        "The disk size / actual-size is the file length (a block device's size): Java cannot see which blocks of a sparse file"
        + " are allocated, so it can be larger than what qemu-img reports."},
    exitCodeListHeading = Help.EXIT_CODES,
    exitCodeList = {"0:Success; with several images, every image was read.",
        "1:Several images only: some are damaged (refused for a malformed structure, or opened by --lenient"
            + " despite errors).",
        "2:Failure: a file (or standard output) could not be read or written, or a usage error; with several"
            + " images, the lines with an error object say which."},
    footerHeading = Help.EXAMPLES,
    footer = {"  vhd info disk.vhd", "  vhd info --json child.vhd | jq '.\"backing-chain\"'",
        "  vhd info --lenient --size-policy current damaged.vhd",
        "  vhd info --json -r /srv/images | jq -r 'select(.error) | .filename'"})
final class InfoCommand extends BatchCommand {
  @Option(names = "--json", description = "Print JSON (qemu-img's key names where they overlap;"
      + " docs/cli-json.md); for several images, one line per image.")
  boolean json;

  @Option(names = "-p", description = "Show a progress bar of the images done on standard error (several images"
      + " or a directory).")
  boolean progress;

  InfoCommand(Io io) {
    super(io);
  }

  @Override
  String name() {
    return "info";
  }

  @Override
  boolean json() {
    return json;
  }

  @Override
  boolean progress() {
    return progress;
  }

  @Override
  Batch.Outcome examine(Path image) throws Exception {
    try (DiskImage img = DiskImages.open(image, common.openOptions())) {
      StringWriter w = new StringWriter();
      try (JsonGenerator g = Json.compact(w)) {
        json(g, image.toString(), img, img.getFileSize());
      }
      List<Problem> warnings = img.getWarnings();
      // Errors --lenient let the image open with: it is damaged, as check would say.
      boolean damaged = warnings.stream().anyMatch(p -> p.severity() == Severity.ERROR);
      return new Batch.Outcome(w.toString(), Warnings.lines(warnings, true),
          damaged ? Batch.Status.PROBLEMS : Batch.Status.CLEAN);
    }
  }

  @Override
  int executeOne() throws Exception {
    try (DiskImage img = DiskImages.open(image, common.openOptions())) {
      // On standard error as every command prints them; the report below lists them too, with
      // the notes and warnings that need no attention.
      Warnings.print(io, img.getWarnings());
      // From the open image, not from stat: a block device's st_size is 0.
      long fileLength = img.getFileSize();
      if (json) {
        writeJson(img, fileLength);
      } else {
        writeText(img, fileLength, io.out);
      }
    }
    return 0;
  }

  /** Names a format as qemu-img's {@code file format} line does: {@code vhd}, {@code vhdx}. */
  static String format(DiskFormat f) {
    return f.name().toLowerCase(Locale.ROOT);
  }

  static String diskType(DiskType t) {
    return t.name().toLowerCase(Locale.ROOT);
  }

  static String sizeSource(SizeSource s) {
    return switch (s) {
      case CHS -> "chs";
      case CURRENT_SIZE -> "current-size";
      case FILE_LENGTH -> "file-length";
      case VIRTUAL_DISK_SIZE -> "virtual-disk-size";
    };
  }

  private static String fileName(VhdImage img) {
    Path p = img.getPath();
    return p == null ? img.getResource() : p.toString();
  }

  private void writeJson(DiskImage img, long fileLength) throws Exception {
    try (JsonGenerator g = Json.pretty(io.out)) {
      json(g, image.toString(), img, fileLength);
    }
    io.out.println();
  }

  /**
   * Writes the object of {@code info --json}: the fields every format has, and the format's own
   * ones in between. The same for one image (pretty) and for each image of a batch (compact).
   *
   * @param g the generator
   * @param filename the image as the user named it or as a batch found it
   * @param img the open image
   * @param fileLength the file's length (the device's size)
   * @throws IOException if writing fails
   */
  static void json(JsonGenerator g, String filename, DiskImage img, long fileLength) throws IOException {
    VhdImage vhd = img instanceof VhdImage ? (VhdImage) img : null;
    VhdxImage vhdx = img instanceof VhdxImage ? (VhdxImage) img : null;
    g.writeStartObject();
    g.writeStringField("filename", filename);
    g.writeStringField("format", format(img.getFormat()));
    if (vhd != null) {
      g.writeStringField("disk-type", diskType(vhd.getDiskType()));
    } else if (vhdx != null) {
      g.writeStringField("disk-type", diskType(vhdx.getDiskType()));
    }
    g.writeNumberField("virtual-size", img.getSize());
    g.writeNumberField("actual-size", fileLength);
    if (vhd != null) {
      writeVhdJson(vhd, g);
    } else if (vhdx != null) {
      VhdxInfo.json(vhdx, g);
    }
    g.writeArrayFieldStart("warnings");
    for (Problem p : img.getWarnings()) {
      Json.problem(g, p);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeVhdJson(VhdImage img, JsonGenerator g) throws IOException {
    Footer f = img.getFooter();
    SizeInfo s = img.getSizeInfo();
    Geometry geo = f.geometry();
    if (img.getDiskType() != DiskType.FIXED) {
      g.writeNumberField("cluster-size", img.getBlockSize());
    }
    g.writeNumberField("current-size", s.currentSize());
    g.writeNumberField("original-size", s.originalSize());
    g.writeNumberField("chs-size", s.chsSize());
    g.writeStringField("size-source", sizeSource(s.source()));
    g.writeStringField("size-policy", Converters.name(s.policy()));
    g.writeObjectFieldStart("geometry");
    g.writeNumberField("cylinders", geo.cylinders());
    g.writeNumberField("heads", geo.heads());
    g.writeNumberField("sectors", geo.sectorsPerTrack());
    g.writeEndObject();
    g.writeStringField("creator-app", f.creatorApplication());
    g.writeStringField("creator-version", f.creatorVersionString());
    g.writeStringField("creator-os", f.creatorHostOs());
    g.writeStringField("uuid", f.uniqueId().toString());
    g.writeStringField("timestamp", f.timestampInstant().toString());
    g.writeBooleanField("saved-state", f.isSavedState());
    DynamicHeader h = img.getDynamicHeader();
    ParentResolution r = img.getParentResolution();
    if (img.getDiskType() == DiskType.DIFFERENCING && h != null) {
      g.writeObjectFieldStart("parent");
      g.writeStringField("name", h.parentName());
      g.writeStringField("uuid", h.parentUuid().toString());
      if (r != null) {
        g.writeStringField("path", r.location());
        g.writeStringField("locator", r.source());
      }
      g.writeEndObject();
      g.writeArrayFieldStart("backing-chain");
      List<VhdImage> chain = img.getChain();
      for (VhdImage ancestor : chain.subList(1, chain.size())) {
        g.writeStartObject();
        g.writeStringField("filename", fileName(ancestor));
        g.writeStringField("disk-type", diskType(ancestor.getDiskType()));
        g.writeNumberField("virtual-size", ancestor.getSize());
        g.writeStringField("uuid", ancestor.getFooter().uniqueId().toString());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
  }

  /** Writes the lines every format has, and the format's own ones in between. */
  private void writeText(DiskImage img, long fileLength, PrintStream o) {
    VhdImage vhd = img instanceof VhdImage ? (VhdImage) img : null;
    VhdxImage vhdx = img instanceof VhdxImage ? (VhdxImage) img : null;
    o.println("image: " + Errors.oneLine(image.toString()));
    o.println("file format: " + format(img.getFormat()));
    if (vhd != null) {
      o.println("disk type: " + diskType(vhd.getDiskType()));
    } else if (vhdx != null) {
      o.println("disk type: " + diskType(vhdx.getDiskType()));
    }
    o.println("virtual size: " + Sizes.humanExact(img.getSize()));
    o.println("disk size: " + Sizes.humanExact(fileLength));
    if (vhd != null) {
      writeVhdText(vhd, o);
    } else if (vhdx != null) {
      VhdxInfo.text(vhdx, o);
    }
    List<Problem> warnings = img.getWarnings();
    if (!warnings.isEmpty()) {
      o.println("warnings:");
      for (Problem p : warnings) {
        o.println("    " + CheckCommand.line(p, img.getResource()));
      }
    }
  }

  private static void writeVhdText(VhdImage img, PrintStream o) {
    Footer f = img.getFooter();
    SizeInfo s = img.getSizeInfo();
    if (img.getDiskType() != DiskType.FIXED) {
      // qemu-img's key and bare number first, so that scripts written for its output still read it.
      o.println("cluster_size: " + img.getBlockSize() + " (" + Sizes.human(img.getBlockSize()) + ")");
    }
    o.println("current size: " + Sizes.humanExact(s.currentSize()));
    o.println("original size: " + Sizes.humanExact(s.originalSize()));
    o.println("CHS size: " + Sizes.humanExact(s.chsSize()));
    o.println("size source: " + sizeSource(s.source()) + " (size policy " + Converters.name(s.policy()) + ")");
    o.println("geometry: " + f.geometry() + " (cylinders/heads/sectors)");
    o.println("creator: " + printable(f.creatorApplication()) + " " + f.creatorVersionString()
        + " on " + printable(f.creatorHostOs()));
    o.println("uuid: " + f.uniqueId());
    o.println("timestamp: " + f.timestampInstant());
    o.println("saved state: " + (f.isSavedState() ? "yes" : "no"));
    DynamicHeader h = img.getDynamicHeader();
    ParentResolution r = img.getParentResolution();
    if (img.getDiskType() == DiskType.DIFFERENCING && h != null) {
      o.println("parent name: " + Errors.oneLine(h.parentName()));
      o.println("parent uuid: " + h.parentUuid());
      if (r != null) {
        o.println("backing file: " + Errors.oneLine(r.location()) + " (found by " + r.source() + ")");
      }
      o.println("backing chain:");
      List<VhdImage> chain = img.getChain();
      for (VhdImage ancestor : chain.subList(1, chain.size())) {
        o.println("    " + Errors.oneLine(fileName(ancestor)) + ": " + diskType(ancestor.getDiskType()) + ", "
            + Sizes.humanExact(ancestor.getSize()) + ", uuid " + ancestor.getFooter().uniqueId());
      }
    }
  }

  /** Shows a four-character code with NULs and other control characters visible. */
  static String printable(String code) {
    StringBuilder sb = new StringBuilder(code.length() + 4).append('\'');
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == 0) {
        sb.append("\\0");
      } else if (c < 0x20 || c >= 0x7f) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('\'').toString();
  }
}
