package io.github.vhd4j.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.Severity;
import io.github.vhd4j.ValidationReport;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vhd check}: validates an image and its parent chain, like {@code qemu-img check}. */
@Command(name = "check", versionProvider = VersionProvider.class,
    description = {"Validate a VHD or VHDX image and its parent chain and list every problem found: errors, warnings"
        + " and notes (info), each with the structure, field and file offset it is about."},
    exitCodeListHeading = Help.EXIT_CODES,
    exitCodeList = {"0:No errors were found (warnings and notes may be listed); with several images, in any of"
        + " them.",
        "1:Errors were found. With several images: in some of them.",
        "2:Failure: a file (or standard output) could not be read or written, or a usage error; with several"
            + " images, the lines with an error object say which."},
    footerHeading = Help.EXAMPLES,
    footer = {"  vhd check disk.vhd", "  vhd check --deep --json disk.vhd", "  vhd check -p --deep big.vhd",
        "  vhd check --azure upload.vhd", "  vhd check --json -r -p /srv/images > report.jsonl"})
final class CheckCommand extends BatchCommand {
  @Option(names = "--json", description = "Print JSON: the counts and every problem (docs/cli-json.md); for"
      + " several images, one line per image.")
  boolean json;

  @Option(names = "--deep",
      description = "Also read every block's bitmap and verify that sectors whose bit is clear hold zeros.")
  boolean deep;

  @Option(names = "--azure",
      description = "Also check Azure's rules for uploaded disks: fixed, a whole number of MiB from 20 MiB"
          + " to 32 TiB, current size equal to the file's length minus the footer.")
  boolean azure;

  @Option(names = "-p", description = "Show a progress bar on standard error: the scan of --deep, or the images"
      + " done when there are several.")
  boolean progress;

  CheckCommand(Io io) {
    super(io);
  }

  @Override
  String name() {
    return "check";
  }

  @Override
  boolean json() {
    return json;
  }

  @Override
  boolean progress() {
    return progress;
  }

  private CheckOptions options() {
    return CheckOptions.defaults().withDeep(deep).withAzure(azure).withOpenOptions(common.openOptions());
  }

  @Override
  Batch.Outcome examine(Path image) throws Exception {
    ValidationReport report = DiskImages.check(image, options(), ProgressListener.none());
    StringWriter w = new StringWriter();
    try (JsonGenerator g = Json.compact(w)) {
      json(g, image.toString(), report);
    }
    return new Batch.Outcome(w.toString(), Warnings.lines(report.problems(), false),
        report.problems(Severity.ERROR).isEmpty() ? Batch.Status.CLEAN : Batch.Status.PROBLEMS);
  }

  @Override
  int executeOne() throws Exception {
    CheckOptions options = options();
    Progress.Bar bar = new Progress.Bar(io.err, progress);
    ValidationReport report = bar.around(() -> DiskImages.check(image, options, bar));
    // The errors are this command's answer, listed below; only the warning that another process
    // writes the image goes to standard error as every read-only command prints it.
    Warnings.print(io, report.problems(), false);
    int errors = report.problems(Severity.ERROR).size();
    int warnings = report.problems(Severity.WARNING).size();
    if (json) {
      try (JsonGenerator g = Json.pretty(io.out)) {
        json(g, image.toString(), report);
      }
      io.out.println();
    } else {
      for (Problem p : report.problems()) {
        io.out.println(line(p, report.resource()));
      }
      if (errors == 0) {
        io.out.println("No errors were found on the image.");
      } else {
        io.out.println(count(errors, "error") + ", " + count(warnings, "warning") + " found");
      }
    }
    return errors == 0 ? 0 : 1;
  }

  /**
   * Writes the object of {@code check --json}: the counts and every problem. The same for one
   * image (pretty) and for each image of a batch (compact).
   *
   * @param g the generator
   * @param filename the image as the user named it or as a batch found it
   * @param report what the check found
   * @throws IOException if writing fails
   */
  static void json(JsonGenerator g, String filename, ValidationReport report) throws IOException {
    g.writeStartObject();
    g.writeStringField("filename", filename);
    g.writeBooleanField("deep", report.deep());
    g.writeNumberField("errors", report.problems(Severity.ERROR).size());
    g.writeNumberField("warnings", report.problems(Severity.WARNING).size());
    g.writeArrayFieldStart("problems");
    for (Problem p : report.problems()) {
      Json.problem(g, p);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static String count(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }

  /**
   * Formats a problem as {@code severity: structure.field at offset D (0xH): message}, naming the
   * file when the problem is in another image of the chain.
   *
   * @param p the problem
   * @param top the resource of the image the user named
   * @return one line
   */
  static String line(Problem p, String top) {
    String s = p.severity().name().toLowerCase(Locale.ROOT) + ": " + p.describe();
    if (!p.resource().equals(top)) {
      s += " (" + p.resource() + ")";
    }
    return Errors.oneLine(s);
  }
}
