package io.github.vhd4j.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.RepairAction;
import io.github.vhd4j.Severity;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.Vhdx;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vhd repair}: fixes the damage {@link Vhd#repair} can fix without guessing, or lists it
 * with {@code --dry-run}.
 */
@Command(name = "repair", versionProvider = VersionProvider.class,
    description = {"Repair the damage that can be repaired without guessing, or list it with --dry-run.",
        "Repaired are: a lost or damaged footer at the end of the file (rewritten from the copy at offset"
            + " 0), a damaged copy (rewritten from the footer), a 511-byte footer, wrong footer and header"
            + " checksums whose fields are valid, and block table entries that point outside the file"
            + " (cleared: their data is not there). Each change is forced to disk before the next, so an"
            + " interrupted repair can be run again. An image QEMU or another vhd uses is refused (see"
            + " --no-lock).",
        "The image is always read leniently; its parents are not opened. Prints one line per change"
            + " (\"would ...\" with --dry-run), or \"nothing to repair\". Afterwards the image is checked:"
            + " errors that remain are reported on standard error."},
    exitCodeListHeading = Help.EXIT_CODES,
    exitCodeList = {"0:Nothing needed repair, or everything was repaired.",
        "1:Repairs are pending (--dry-run), or errors remain that repair cannot fix (see vhd check).",
        Help.FAILED},
    footerHeading = Help.EXAMPLES,
    footer = {"  vhd repair --dry-run disk.vhd", "  vhd repair disk.vhd", "  vhd repair --json disk.vhd"})
final class RepairCommand extends ImageCommand {
  @Option(names = "--dry-run", description = "Change nothing; list what would be repaired (exit 1 when"
      + " anything would be).")
  boolean dryRun;

  @Option(names = "--json", description = "Print JSON (docs/cli-json.md): an array of {structure, offset,"
      + " description}, one per change made, or pending with --dry-run.")
  boolean json;

  /**
   * Creates the command.
   *
   * @param io where the changes and errors go
   */
  RepairCommand(Io io) {
    super(io);
  }

  /**
   * Repairs IMAGE (or plans it), prints the changes and checks what is left.
   *
   * @return 0 when the image needs nothing more, 1 when repairs are pending (dry run) or errors
   *     remain that repair cannot fix
   * @throws IOException if the image cannot be read even leniently, or cannot be written
   */
  @Override
  int execute() throws IOException {
    boolean vhdx = ImageCommand.isVhdx(image);
    List<RepairAction> actions = vhdx ? (dryRun ? Vhdx.planRepair(image, common.openOptions())
        : Vhdx.repair(image, common.openOptions()))
        : dryRun ? Vhd.planRepair(image, common.openOptions()) : Vhd.repair(image, common.openOptions());
    if (json) {
      try (JsonGenerator g = Json.pretty(io.out)) {
        g.writeStartArray();
        for (RepairAction a : actions) {
          g.writeStartObject();
          g.writeStringField("structure", a.structure());
          g.writeNumberField("offset", a.offset());
          g.writeStringField("description", a.description());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      io.out.println();
    } else if (actions.isEmpty()) {
      io.out.println("nothing to repair");
    } else {
      for (RepairAction a : actions) {
        io.out.println(line(a, dryRun));
      }
    }
    if (dryRun && !actions.isEmpty()) {
      // NOTE: no check here: which of its errors the pending changes would fix cannot be told
      // without making them.
      return 1;
    }
    return remainingErrors() == 0 ? 0 : 1;
  }

  /**
   * Formats one change as {@code check} formats a problem: {@code repaired footer at offset D
   * (0xH): description}, or {@code would repair ...} in a dry run.
   *
   * @param a the change
   * @param dryRun whether it is only pending
   * @return one line
   */
  static String line(RepairAction a, boolean dryRun) {
    return Errors.oneLine((dryRun ? "would repair " : "repaired ") + a.structure() + " at offset " + a.offset()
        + " (0x" + Long.toHexString(a.offset()) + "): " + a.description());
  }

  /**
   * Checks the image after the repair and warns about the errors that are left: repair fixes only
   * what it can fix without guessing, and "nothing to repair" must not read as "healthy" when the
   * image still has errors.
   *
   * @return the number of errors left in IMAGE itself
   */
  private int remainingErrors() throws IOException {
    // Parents are not checked: repair did not open them, and a parent stored elsewhere is no
    // error of this file.
    CheckOptions options = CheckOptions.defaults().withCheckParents(false).withOpenOptions(common.openOptions());
    ValidationReport report = DiskImages.check(image, options);
    int errors = report.problems(Severity.ERROR).size();
    if (errors > 0) {
      io.out.flush();
      io.err.println("vhd: " + Errors.oneLine(image.toString()) + ": warning: " + errors
          + (errors == 1 ? " error remains" : " errors remain") + " that repair cannot fix (vhd check lists "
          + (errors == 1 ? "it" : "them") + ")");
    }
    return errors;
  }
}
