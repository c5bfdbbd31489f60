package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.VhdException;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.Vhdx;
import io.github.vhd4j.VhdxImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed VHDX seeds parse as they are meant to: the bases and qemu-img's files open
 * strictly (dirty ones by replaying their log in memory), each case of vhdx.md's bug list and
 * checklist is refused with its problem code or opened as the case says, and the corpora keep
 * covering those cases and stay within the fuzzers' input limit.
 */
class VhdxSeedCorpusTest {
  static final String OPEN = "VhdxOpenFuzzTest";
  static final String OPEN_METHOD = "shouldOpenReadMapAndCheckAnyVhdx";

  /** What a strict open of a seed does: "ok", "ok+log" (replayed), a problem code, or an exception's name. */
  private static final Map<String, String> OPEN_CASES = Map.ofEntries(
      Map.entry("V06-version-2", "VHDX_HEADER_VERSION"), Map.entry("V07-log-version-dirty", "VHDX_LOG_VERSION"),
      Map.entry("V10-header-reserved", "ok"), Map.entry("V15-qemu-required-0", "ok"),
      Map.entry("V15-region-required-reserved", "VHDX_REGION_FLAGS"),
      Map.entry("V24-metadata-signature", "VHDX_METADATA_SIGNATURE"), Map.entry("V44-incomplete-file",
          "VHDX_INCOMPLETE_FILE"), Map.entry("X01-block-size-0", "VHDX_BLOCK_SIZE"),
      Map.entry("X01-block-size-3m", "VHDX_BLOCK_SIZE"), Map.entry("X01-block-size-512m", "VHDX_BLOCK_SIZE"),
      Map.entry("X01-logical-sector-0", "VHDX_SECTOR_SIZE"), Map.entry("X01-logical-sector-1024", "VHDX_SECTOR_SIZE"),
      Map.entry("X02-size-2p52-plus-2m", "VHDX_VIRTUAL_SIZE"), Map.entry("X02-size-64t-plus-2m", "VHDX_VIRTUAL_SIZE"),
      Map.entry("X03-fully-present-offset-0", "VHDX_BAT_OFFSET"), Map.entry("X04-not-present-garbage-offset", "ok"),
      Map.entry("X05-zero-block", "ok"), Map.entry("X06-undefined-in-child", "ok"),
      Map.entry("X06-unmapped-in-child", "ok"), Map.entry("X07-fixed-past-chunk", "ok"),
      Map.entry("X08-dynamic-4k-past-chunk", "ok"), Map.entry("X08-dynamic-past-chunk", "ok"),
      Map.entry("X09-dirty-log", "ok+log"), Map.entry("X11-log-guid-no-entries", "VHDX_LOG_NO_ACTIVE_SEQUENCE"),
      Map.entry("X16-torn-header-1", "ok"), Map.entry("X16-torn-header-2", "ok"),
      Map.entry("X18-equal-sequence-different", "VHDX_HEADER_SEQUENCE"), Map.entry("X18-equal-sequence-identical", "ok"),
      Map.entry("X19-sequence-max", "ok"), Map.entry("X20-region-table-1-damaged", "ok"),
      Map.entry("X20-region-tables-differ", "VHDX_REGION_TABLE_MISMATCH"), Map.entry("X21-region-duplicate-bat", "ok"),
      Map.entry("X21-region-in-header-section", "VHDX_REGION_PLACEMENT"),
      Map.entry("X21-region-overlap", "VHDX_REGION_OVERLAP"),
      Map.entry("X22-unknown-required-item", "UnsupportedVhdFeatureException"),
      Map.entry("X22-unknown-required-region", "UnsupportedVhdFeatureException"),
      Map.entry("X23-size-item-outside-region", "VHDX_METADATA_ITEM_PLACEMENT"),
      Map.entry("X24-overlapping-items", "VHDX_METADATA_ITEM_OVERLAP"), Map.entry("X25-unknown-item-empty", "ok"),
      Map.entry("X25-user-item", "ok"), Map.entry("X26-size-not-sector-multiple", "VHDX_VIRTUAL_SIZE"),
      Map.entry("X27-odd-sector-count", "ok"), Map.entry("X28-size-0", "VHDX_VIRTUAL_SIZE"),
      Map.entry("X29-4k-sectors", "ok"), Map.entry("X30-physical-1024", "VHDX_SECTOR_SIZE"),
      Map.entry("X31-bat-reserved-bits", "VHDX_BAT_RESERVED"), Map.entry("X32-state-4", "VHDX_BAT_STATE"),
      Map.entry("X32-state-5", "VHDX_BAT_STATE"), Map.entry("X33-state-7-dynamic", "VHDX_BAT_STATE"),
      Map.entry("X34-partial-without-bitmap", "VHDX_BITMAP_MISSING"), Map.entry("X35-partial-alternating", "ok"),
      Map.entry("X36-duplicate-offsets", "VHDX_BAT_OVERLAP"), Map.entry("X37-disk2vhd-tail-512", "ok"),
      Map.entry("X37-last-block-cut", "ok"), Map.entry("X37-truncated", "VHDX_BAT_OFFSET"),
      Map.entry("X38-present-past-chunk-ratio", "ok"), Map.entry("X40-block-past-4g", "ok"),
      Map.entry("X44-linkage2-zero", "ok"), Map.entry("X44-wrong-linkage", "ParentMismatchException"),
      Map.entry("X45-locator-count-0", "VHDX_PARENT_LOCATOR"), Map.entry("X45-locator-count-257", "VHDX_PARENT_LOCATOR"),
      Map.entry("X45-locator-odd-length", "VHDX_PARENT_LOCATOR"),
      Map.entry("X47-has-parent-without-locator", "VHDX_PARENT_LOCATOR_PRESENCE"),
      Map.entry("X47-locator-without-parent", "VHDX_PARENT_LOCATOR_PRESENCE"), Map.entry("raw-patch-bat",
          "VHDX_BAT_OVERLAP"), Map.entry("damaged-header-1-and-region-table-2", "ok"),
      Map.entry("damaged-header-2", "ok"), Map.entry("damaged-region-table-1", "ok"),
      Map.entry("differencing-4k-partial", "ok"), Map.entry("differencing-partial-blocks", "ok"),
      Map.entry("dirty-log-wrapped", "ok+log"), Map.entry("equal-sequence-identical-headers", "ok"),
      Map.entry("metadata-size-item-short", "VHDX_METADATA_ITEM_LENGTH"), Map.entry("sectors-4k-past-32g-chunk", "ok"));

  private static final Map<String, String> LOG_CASES = Map.ofEntries(
      Map.entry("V07-log-version", "VHDX_LOG_VERSION"), Map.entry("V09-log-length-0", "VHDX_LOG_GUID_WITHOUT_LOG"),
      Map.entry("V18-checksum-stale", "VHDX_LOG_NO_ACTIVE_SEQUENCE"),
      Map.entry("V18-descriptor-count-huge", "VHDX_LOG_NO_ACTIVE_SEQUENCE"),
      Map.entry("V18-entry-length-huge", "VHDX_LOG_NO_ACTIVE_SEQUENCE"),
      Map.entry("V20-padding", "VHDX_LOG_NO_ACTIVE_SEQUENCE"),
      Map.entry("V46-flushed-unaligned", "VHDX_LOG_NO_ACTIVE_SEQUENCE"), Map.entry("X09-2m-log", "ok+log"),
      Map.entry("X09-4k-sectors", "ok+log"), Map.entry("X09-bat-page-makes-block-present", "ok+log"),
      Map.entry("X09-with-data", "ok+log"), Map.entry("X11-no-entries", "VHDX_LOG_NO_ACTIVE_SEQUENCE"),
      Map.entry("X12-wrapped-sequence", "ok+log"), Map.entry("X12a-tail-outside-run", "VHDX_LOG_NO_ACTIVE_SEQUENCE"),
      Map.entry("X12b-sequence-gap", "ok+log"), Map.entry("X12c-data-signature", "VHDX_LOG_NO_ACTIVE_SEQUENCE"),
      Map.entry("X12d-old-entry-before-tail", "ok+log"), Map.entry("X13-last-file-offset-huge", "VHDX_LOG_BOUNDS"),
      Map.entry("X13-past-end-grows-file", "ok+log"), Map.entry("X13-target-identifier", "VHDX_LOG_NO_ACTIVE_SEQUENCE"),
      Map.entry("X13-target-in-header", "VHDX_LOG_NO_ACTIVE_SEQUENCE"),
      Map.entry("X13-target-log", "VHDX_LOG_NO_ACTIVE_SEQUENCE"), Map.entry("X13-zero-length-huge", "VHDX_LOG_BOUNDS"),
      Map.entry("X14-flushed-past-end", "VHDX_LOG_TRUNCATED"), Map.entry("X15-other-guid", "VHDX_LOG_NO_ACTIVE_SEQUENCE"),
      Map.entry("X15-stale-entries-clean-header", "ok"));

  /** Locators a differencing disk opens with (its parent found); every other seed is refused for its locator. */
  private static final Set<String> GOOD_LOCATORS = Set.of("windows-10-order", "linkage-and-relative",
      "raw-uppercase-guid", "V34-zero-linkage2");

  static Path dir(String target, String method, String folder) {
    return SeedGenerator.inputs(target, method).resolve(folder);
  }

  private static List<Path> files(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.sorted().forEach(out::add);
      }
    }
    return out;
  }

  /** A strict open's outcome in the tables' terms. */
  private static String outcome(VhdxInput.Case c) throws IOException {
    Path file = c.file().write(Scratch.dir("vhdx-seeds").resolve("seed.vhdx"));
    try (VhdxImage img = Vhdx.open(file, c.options())) {
      assertTrue(img.getWarnings().stream().noneMatch(p -> p.severity() == Severity.ERROR), img.getWarnings().toString());
      return img.getLogState().replayedInMemory() ? "ok+log" : "ok";
    } catch (VhdFormatException e) {
      return e.getCode().name();
    } catch (VhdException e) {
      return e.getClass().getSimpleName();
    }
  }

  private static void assertCases(Map<String, String> cases, List<Path> dirs, Function<byte[], VhdxInput.Case> decode)
      throws IOException {
    Set<String> seen = new java.util.HashSet<>();
    for (Path dir : dirs) {
      List<Path> seeds = files(dir);
      assertTrue(!seeds.isEmpty(), "no seeds in " + dir);
      for (Path f : seeds) {
        String name = f.getFileName().toString();
        seen.add(name);
        if (name.startsWith("base-") || cases.containsKey(name)) {
          String want = name.startsWith("base-") ? name.contains("dirty") ? "ok+log" : "ok" : cases.get(name);
          assertEquals(want, outcome(decode.apply(Files.readAllBytes(f))), name);
        }
      }
    }
    for (String name : cases.keySet()) {
      assertTrue(seen.contains(name), "the case " + name + " has no seed");
    }
  }

  @Test
  void shouldOpenOrRefuseEveryImageSeedAsItsCaseSays() throws IOException {
    assertCases(OPEN_CASES, List.of(dir(OPEN, OPEN_METHOD, "recipes"), dir(OPEN, OPEN_METHOD, "crafted")),
        VhdxInput::decode);
  }

  @Test
  void shouldOpenEveryQemuSeedStrictly() throws IOException {
    List<Path> seeds = files(dir(OPEN, OPEN_METHOD, "qemu"));
    assertTrue(seeds.size() >= 4, "qemu-img seeds missing: " + seeds);
    for (Path f : seeds) {
      String got = outcome(VhdxInput.decode(Files.readAllBytes(f)));
      assertTrue(got.startsWith("ok"), f.getFileName() + ": " + got);
    }
  }

  @Test
  void shouldReplayOrRefuseEveryLogSeedAsItsCaseSays() throws IOException {
    assertCases(LOG_CASES, List.of(dir("VhdxLogReplayFuzzTest", "shouldReplayInMemoryWithoutWritingAndAsRepairDoes",
        "recipes")), VhdxLogInput::decode);
  }

  @Test
  void shouldRefuseEveryFaultyLocatorSeedForItsLocator() throws IOException {
    for (Path f : files(dir("VhdxLocatorFuzzTest", "shouldParseAnyLocatorWithinItsProblems", "recipes"))) {
      String name = f.getFileName().toString();
      byte[] item = VhdxLocatorInput.decode(Files.readAllBytes(f));
      io.github.vhd4j.testing.VhdxBuilder b = io.github.vhd4j.testing.VhdxBuilder.differencing(
          8 * io.github.vhd4j.testing.VhdxBuilder.MIB, io.github.vhd4j.testing.VhdxBuilder.MIB, VhdxFixture.PARENT_512);
      b.writeLocator = false;
      b.extraItems.add(new io.github.vhd4j.testing.VhdxBuilder.Item(
          io.github.vhd4j.internal.vhdx.layout.Guids.PARENT_LOCATOR,
          io.github.vhd4j.internal.vhdx.layout.MetadataLayout.IS_REQUIRED, item, null));
      String got = outcome(new VhdxInput.Case(b.build().file, VhdxFixture.options(), null, null));
      assertEquals(GOOD_LOCATORS.contains(name) ? "ok" : ProblemCode.VHDX_PARENT_LOCATOR.name(), got, name);
    }
  }

  @Test
  void shouldKeepEveryVhdxSeedWithinTheFuzzersInputLimit() throws IOException {
    List<Path> dirs = new ArrayList<>();
    for (String target : new String[] {OPEN, "VhdxStorageDifferentialFuzzTest", "VhdxLogReplayFuzzTest",
        "VhdxLocatorFuzzTest"}) {
      dirs.add(SeedGenerator.RESOURCES.resolve(target + "Inputs"));
    }
    for (Path dir : dirs) {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path f : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
          assertTrue(Files.size(f) <= Inputs.MAX_INPUT, f + " is larger than -max_len (" + Files.size(f) + " bytes)");
        }
      }
    }
  }

  @Test
  void shouldDecodeTheSparseEncodingBackToTheSameFile() {
    io.github.vhd4j.testing.SparseImage f = VhdxFixture.parent(VhdxFixture.PARENT_512, 512).file();
    byte[] encoded = SparseCodec.encode(new byte[0], f);
    io.github.vhd4j.testing.SparseImage back = SparseCodec.decode(encoded, 0);
    assertEquals(f.length(), back.length());
    for (long at = 0; at < f.length(); at += 1 << 20) {
      assertTrue(java.util.Arrays.equals(f.read(at, 1 << 20), back.read(at, 1 << 20)), "MiB at " + at);
    }
  }
}
