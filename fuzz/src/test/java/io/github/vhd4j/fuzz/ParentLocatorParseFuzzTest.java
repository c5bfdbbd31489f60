package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentCandidate;
import io.github.vhd4j.ParentNotFoundException;
import io.github.vhd4j.ParentResolution;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Entry point: parent locator parsing and parent resolution, with structured inputs. A
 * {@link Recipe} builds a valid differencing child and rewrites its eight locators and parent name:
 * platform codes (known, unknown, VirtualBox's typo), payloads from a list of hostile path
 * templates (relative escapes, absolute paths, file URLs, symbolic links, the child itself, a
 * directory, a non-VHD file, a VHD with the wrong UUID) in six encodings, and data space, length,
 * offset and reserved fields set to anything (2 GiB lengths, offsets into metadata or past the
 * file).
 *
 * <p>The child sits in {@code child/} of a fixture tree that holds the true parent in several
 * places: beside the child (allowed), in {@code child/sub/} and {@code outside/} (never allowed to
 * the built-in resolver), behind symbolic links, and in {@code allowed/} (allowed only when the
 * recipe passes it as a parent directory). Whatever the locators say:
 *
 * <ul>
 *   <li>only files directly in the child's directory, or under an allowed directory, are ever
 *       opened (every candidate that was parsed, accepted or not, is checked by its real path);
 *   <li>an opened chain reads the child's sectors and the accepted parent's content elsewhere;
 *   <li>the {@link Battery} holds.
 * </ul>
 */
class ParentLocatorParseFuzzTest {
  static final int LOCATOR = 0;
  static final int LOCATOR_SPACE = 1;
  static final int LOCATOR_LENGTH = 2;
  static final int LOCATOR_OFFSET = 3;
  static final int LOCATOR_RESERVED = 4;
  static final int LOCATOR_REMOVE = 5;
  static final int PARENT_NAME = 6;
  static final int PARENT_NAME_RAW = 7;
  static final int PARENT_UUID = 8;
  static final int PARENT_TIMESTAMP = 9;
  static final int FREE_LOCATOR = 10;
  static final int OPS = 11;

  /** Flag bits beyond {@link Recipe}'s common ones. */
  static final int NO_UUID_CHECK = 16;
  static final int ALLOW_DIRECTORY = 32;

  static final long[] CODES = {TestImage.W2RU, TestImage.W2KU, TestImage.WI2R, TestImage.WI2K, TestImage.MACX,
      TestImage.MAC, 0, 0x12345678L, 0x4D163220L};

  /**
   * Path templates; {@code {root}}, {@code {child}}, {@code {outside}} and {@code {allowed}} become
   * the fixture's absolute directories, so seeds stay valid wherever the fixture is.
   */
  static final String[] TEMPLATES = {
      "parent.vhd", ".\\parent.vhd", "C:\\vms\\parent.vhd", "..\\outside\\parent.vhd", "../outside/parent.vhd",
      "..\\child\\parent.vhd", "sub\\parent.vhd", "sub\\..\\parent.vhd", "link-in.vhd", "link-out.vhd",
      "wrong-uuid.vhd", "garbage.vhd", "dir.vhd", "child.vhd", "missing.vhd", "{outside}/parent.vhd",
      "file://{outside}/parent.vhd", "file://localhost{child}/parent.vhd", "file://{allowed}/deep/parent.vhd",
      "{allowed}/parent.vhd", "..\\allowed\\parent.vhd", "..\\allowed\\deep\\parent.vhd", "C:parent.vhd",
      "\\\\server\\share\\parent.vhd", "..", ".", "", "/", "parent.vhd\0junk",
      "file://{root}/%6futside/parent.vhd",
      "file://{child}/%70arent.vhd", "\u00e9t\u00e9.vhd", "{child}/sub/../../outside/parent.vhd",
      "file://{child}/link-out.vhd", "sub/parent.vhd", "../../../../../../../../../../{outside}/parent.vhd"};

  static final Charset[] CHARSETS = {StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE,
      StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1, StandardCharsets.UTF_16LE,
      StandardCharsets.UTF_16LE};

  private static final UUID PARENT = UUID.fromString("10ca7000-0000-4000-8000-000000000001");
  private static final UUID WRONG = UUID.fromString("10ca7000-0000-4000-8000-000000000002");
  private static final long SIZE = 64 * 1024;
  private static Tree tree;

  /** The fixture's directories, with the content of each parent image. */
  private record Tree(Path root, Path child, Path outside, Path allowed, byte[] parent, byte[] wrong) {}

  @VhdFuzzTest
  void shouldConfineParentsWhateverTheLocators(byte[] input) throws IOException {
    Tree f = tree();
    Recipe recipe = Recipe.decode(input);
    TestImage t = childBase(recipe);
    for (Recipe.Op op : recipe.ops()) {
      apply(t, op, f);
    }
    if (recipe.fixChecksums()) {
      t.headerChecksum = null;
    } else if (!recipe.ops().isEmpty()) {
      t.headerChecksum = TestImage.checksum(headerOf(childBase(recipe)), 36);
    }
    byte[] bytes = t.toBytes();
    Path childFile = f.child.resolve("child.vhd");
    Files.write(childFile, bytes);

    OpenOptions options = OpenOptions.defaults().withVerifyParentUuid((recipe.flags() & NO_UUID_CHECK) == 0);
    boolean allowDir = (recipe.flags() & ALLOW_DIRECTORY) != 0;
    if (allowDir) {
      options = options.withParentDirectories(List.of(f.allowed));
    }
    Battery.run(Battery.source(childFile), List.of(bytes), options, Inputs.random(bytes));

    for (boolean lenient : new boolean[] {false, true}) {
      OpenOptions o = options.withLenient(lenient);
      Outcome<VhdImage> opened = Outcome.of(() -> Vhd.open(childFile, o));
      if (!opened.ok()) {
        if (opened.failure() instanceof ParentNotFoundException) {
          for (ParentCandidate c : ((ParentNotFoundException) opened.failure()).getCandidates()) {
            assertParsedOnlyIfAllowed(c, f, allowDir);
          }
        }
        continue;
      }
      try (VhdImage img = opened.value()) {
        ParentResolution r = img.getParentResolution();
        assertNotNull(r, "a differencing disk opened without a parent resolution");
        for (ParentCandidate c : r.candidates()) {
          assertParsedOnlyIfAllowed(c, f, allowDir);
        }
        if (!lenient) {
          // Lenient mode may keep blocks it cannot read (a locator written over the table, say).
          Path parent = r.path().toRealPath();
          assertContent(img, t, isWrong(parent, f) ? f.wrong : f.parent);
        }
      }
    }
  }

  private static boolean isWrong(Path real, Tree f) throws IOException {
    return real.equals(f.child.resolve("wrong-uuid.vhd").toRealPath());
  }

  /** A candidate the resolver parsed (whatever it decided) must be an allowed file. */
  private static void assertParsedOnlyIfAllowed(ParentCandidate c, Tree f, boolean allowDir)
      throws IOException {
    Set<ParentCandidate.Outcome> parsed = EnumSet.of(ParentCandidate.Outcome.ACCEPTED,
        ParentCandidate.Outcome.INVALID, ParentCandidate.Outcome.UUID_MISMATCH,
        ParentCandidate.Outcome.SIZE_MISMATCH);
    if (!parsed.contains(c.outcome())) {
      return;
    }
    Path real = c.path().toRealPath();
    boolean beside = real.getParent().equals(f.child.toRealPath());
    boolean underAllowed = allowDir && real.startsWith(f.allowed.toRealPath());
    assertTrue(beside || underAllowed,
        "the resolver opened a file it must not: " + c + " (real path " + real + ")");
  }

  private static void assertContent(VhdImage img, TestImage child, byte[] parentContent) throws IOException {
    long size = img.getSize();
    assertEquals(child.currentSize, size);
    byte[] got = new byte[(int) size];
    img.readFully(0, ByteBuffer.wrap(got));
    byte[] want = child.expectedContent(parentContent);
    if (!Arrays.equals(want, got)) {
      int i = Arrays.mismatch(want, got);
      fail("byte " + i + " reads " + got[i] + ", expected " + want[i]);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // The child and its mutations

  private static TestImage childBase(Recipe r) {
    long bs = new long[] {512, 4096, 8192, 65536}[r.blockSize() % 4];
    long size = new long[] {SIZE, SIZE / 2, 2 * SIZE, SIZE + 512}[r.size() % 4];
    TestImage t = TestImage.dynamic(size, bs);
    t.diskType = TestImage.DIFFERENCING;
    t.uuid = UUID.fromString("10ca7000-0000-4000-8000-00000000c41d");
    t.parentUuid = PARENT;
    t.parentTimestamp = 0x2A000000L;
    t.parentName = "parent.vhd";
    t.addLocator(0, TestImage.W2KU, TestImage.utf16le("C:\\vms\\parent.vhd"));
    t.addLocator(1, TestImage.W2RU, TestImage.utf16le(".\\parent.vhd"));
    if (r.content() != 0) {
      SplittableRandom rnd = new SplittableRandom(r.content());
      for (int i = 0, n = 1 + r.content() % 3; i < n; i++) {
        long off = Math.floorMod(rnd.nextLong(), size);
        byte[] b = new byte[(int) Math.min(size - off, 1 + rnd.nextInt(3 * (int) bs))];
        rnd.nextBytes(b);
        t.write(off, b);
      }
    }
    return t;
  }

  private static byte[] headerOf(TestImage t) {
    byte[] all = t.toBytes();
    return Arrays.copyOfRange(all, (int) t.headerOffset, (int) t.headerOffset + 1024);
  }

  private static void apply(TestImage t, Recipe.Op op, Tree f) {
    int slot = (int) op.bits(0, 3);
    TestImage.Locator loc = t.locators.stream().filter(l -> l.slot == slot).findFirst().orElse(null);
    switch (op.code() % OPS) {
      case LOCATOR -> {
        int ci = (int) op.bits(3, 4) % (CODES.length + 1);
        long code = ci == CODES.length ? op.bits(32, 32) : CODES[ci];
        t.addLocator(slot, code, path(op.bits(8, 6), op.bits(14, 3), op.bits(17, 2), f));
      }
      case LOCATOR_SPACE -> {
        if (loc != null) {
          loc.dataSpace = op.bits(8, 32);
        }
      }
      case LOCATOR_LENGTH -> {
        if (loc != null) {
          loc.dataLength = switch ((int) op.bits(3, 2)) {
            case 0 -> op.bits(8, 32);
            case 1 -> Math.max(0, loc.payload.length + op.bits(8, 8) - 128);
            case 2 -> 0xFFFFFFFFL;
            default -> 0x80000000L;
          };
        }
      }
      case LOCATOR_OFFSET -> {
        if (loc != null) {
          long eof = t.tailFooterOffset() + 512;
          loc.dataOffset = switch ((int) op.bits(3, 3)) {
            case 0 -> op.value() >>> 8;
            case 1 -> 0L;
            case 2 -> t.headerOffset;
            case 3 -> t.tableOffset;
            case 4 -> eof - 512;
            case 5 -> eof;
            case 6 -> 1L << 40;
            default -> t.tableOffset + 512 + op.bits(6, 10);
          };
        }
      }
      case LOCATOR_RESERVED -> {
        if (loc != null) {
          loc.reserved = op.bits(8, 32);
        }
      }
      case LOCATOR_REMOVE -> t.locators.removeIf(l -> l.slot == slot);
      case PARENT_NAME -> {
        byte[] name = path(op.bits(8, 6), 1, op.bits(17, 2), f);
        t.parentNameRaw = Arrays.copyOf(name, Math.min(512, name.length + 2));
      }
      case PARENT_NAME_RAW -> t.parentNameRaw = op.bytes();
      case PARENT_UUID -> t.parentUuid = switch ((int) op.bits(0, 2)) {
        case 0 -> PARENT;
        case 1 -> WRONG;
        case 2 -> new UUID(0, 0);
        default -> new UUID(op.value(), ~op.value());
      };
      case PARENT_TIMESTAMP -> t.parentTimestamp = op.bits(0, 32);
      default -> {
        int ci = (int) op.bits(3, 4) % (CODES.length + 1);
        long code = ci == CODES.length ? op.bits(32, 32) : CODES[ci];
        t.addLocator(slot, code, op.bytes());
      }
    }
  }

  /** A template path in an encoding: UTF-16LE, UTF-16BE, UTF-8, Latin-1, with BOM, with NULs. */
  static byte[] path(long template, long encoding, long nuls, Tree f) {
    String s = TEMPLATES[(int) (template % TEMPLATES.length)]
        .replace("{root}", f.root.toString()).replace("{child}", f.child.toString())
        .replace("{outside}", f.outside.toString()).replace("{allowed}", f.allowed.toString());
    int e = (int) (encoding % CHARSETS.length);
    if (e == 4) {
      s = "\uFEFF" + s;
    } else if (e == 5) {
      s = s + "\0".repeat((int) nuls + 1);
    }
    return s.getBytes(CHARSETS[e]);
  }

  // -----------------------------------------------------------------------------------------------
  // The fixture tree

  private static synchronized Tree tree() {
    if (tree != null) {
      return tree;
    }
    try {
      Path root = Scratch.dir("locators");
      Path child = Files.createDirectories(root.resolve("child"));
      Path outside = Files.createDirectories(root.resolve("outside"));
      Path allowed = Files.createDirectories(root.resolve("allowed"));
      TestImage p = TestImage.dynamic(SIZE, 4096);
      p.uuid = PARENT;
      p.random(0, 9000, 1);
      p.random(SIZE - 5000, 5000, 2);
      byte[] pb = p.toBytes();
      TestImage w = TestImage.dynamic(SIZE, 4096);
      w.uuid = WRONG;
      w.random(0, 20000, 3);
      for (Path dst : List.of(child.resolve("parent.vhd"), Files.createDirectories(child.resolve("sub"))
          .resolve("parent.vhd"), outside.resolve("parent.vhd"), allowed.resolve("parent.vhd"),
          Files.createDirectories(allowed.resolve("deep")).resolve("parent.vhd"))) {
        Files.write(dst, pb);
      }
      w.writeTo(child.resolve("wrong-uuid.vhd"));
      Files.write(child.resolve("garbage.vhd"), new byte[4096]);
      Files.createDirectories(child.resolve("dir.vhd"));
      link(child.resolve("link-in.vhd"), Path.of("parent.vhd"));
      link(child.resolve("link-out.vhd"), Path.of("..", "outside", "parent.vhd"));
      tree = new Tree(root, child, outside, allowed, p.expectedContent(), w.expectedContent());
      return tree;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void link(Path link, Path target) {
    try {
      Files.createSymbolicLink(link, target);
    } catch (IOException | UnsupportedOperationException e) {
      // No symbolic links here: those candidates are simply missing.
    }
  }
}
