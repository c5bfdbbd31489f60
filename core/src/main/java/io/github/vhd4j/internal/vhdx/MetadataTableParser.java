package io.github.vhd4j.internal.vhdx;

import static io.github.vhd4j.internal.Fmt.hex32;
import static io.github.vhd4j.internal.Fmt.num;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdxMetadataItem;
import io.github.vhd4j.VhdxRegion;
import io.github.vhd4j.internal.Field;
import io.github.vhd4j.internal.Fmt;
import io.github.vhd4j.internal.Place;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.MetadataLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Reads the metadata table (MS-VHDX 2.6.1) at the start of the metadata region and checks its
 * entries: flags, identifiers, each item's place inside the region, and that items do not overlap.
 * The table has no checksum, so every item is bounded here before anything reads it. Known items
 * are decoded by {@link MetadataParser}.
 */
final class MetadataTableParser {

  /**
   * One entry of the table.
   *
   * @param index its index in the table
   * @param item the entry as reported
   * @param placed true when the item lies inside the region and may be read
   */
  record Entry(int index, VhdxMetadataItem item, boolean placed) {}

  /**
   * The system items this library knows: those of MS-VHDX 2.6.2, and those Windows writes beyond
   * it (CHS parameters and the persistent-memory label area describe the disk to a virtual machine,
   * not the layout of its data, so a reader may accept them when required).
   */
  static final Set<UUID> KNOWN = Set.of(Guids.FILE_PARAMETERS, Guids.VIRTUAL_DISK_SIZE, Guids.VIRTUAL_DISK_ID,
      Guids.LOGICAL_SECTOR_SIZE, Guids.PHYSICAL_SECTOR_SIZE, Guids.PARENT_LOCATOR, Guids.CHS_PARAMETERS,
      Guids.PMEM_LABEL_STORAGE, Guids.INCOMPLETE_FILE);
  /** The items the disk's geometry is computed from: without one, nothing further can be read. */
  static final Set<UUID> GEOMETRY = Set.of(Guids.FILE_PARAMETERS, Guids.VIRTUAL_DISK_SIZE,
      Guids.LOGICAL_SECTOR_SIZE);

  private final VhdxParseContext ctx;
  private final VhdxRegion region;
  private final Place table;

  private MetadataTableParser(VhdxParseContext ctx, VhdxRegion region) {
    this.ctx = ctx;
    this.region = region;
    this.table = new Place(MetadataLayout.STRUCTURE, region.fileOffset());
  }

  /**
   * Reads and checks the table.
   *
   * @param ctx the parse
   * @param region the metadata region, placed inside the file by the region table parser
   * @return the entries in table order, duplicates left out
   * @throws IOException if the file cannot be read
   */
  static List<Entry> parse(VhdxParseContext ctx, VhdxRegion region) throws IOException {
    return new MetadataTableParser(ctx, region).run();
  }

  /**
   * Where a field of entry {@code i} is reported.
   *
   * @param regionOffset the metadata region's file offset
   * @param i the entry
   * @param f an entry field
   * @return the site
   */
  static Site entrySite(long regionOffset, int i, Field f) {
    return new Site(MetadataLayout.STRUCTURE, "entry[" + i + "]." + f.name(),
        regionOffset + MetadataLayout.entryIndex(i) + f.offset());
  }

  private Site site(int i, Field f) {
    return entrySite(region.fileOffset(), i, f);
  }

  private List<Entry> run() throws IOException {
    // Windows caps the region at 128 MiB; nothing is read from a larger one (MS-VHDX 2.6).
    if (region.length() > MetadataLayout.MAX_REGION_LENGTH) {
      throw ctx.p.limit(ProblemCode.VHDX_METADATA_LIMIT, table.site(MetadataLayout.SIGNATURE), region.length(),
          MetadataLayout.MAX_REGION_LENGTH, "the metadata region is larger than this library reads");
    }
    ByteBuffer t = ctx.read(region.fileOffset(), MetadataLayout.TABLE_SIZE);
    // MS-VHDX 2.6.1.1 Signature: "metadata".
    if (!MetadataLayout.SIGNATURE.matches(t, MetadataLayout.SIGNATURE_BYTES)) {
      throw ctx.p.fatal(ProblemCode.VHDX_METADATA_SIGNATURE, table.site(MetadataLayout.SIGNATURE), "\"metadata\"",
          Fmt.cookie(MetadataLayout.SIGNATURE.bytes(t)), "the metadata region does not start with its table");
    }
    for (Field f : List.of(MetadataLayout.RESERVED, MetadataLayout.RESERVED2)) {
      if (!f.isZero(t)) {
        ctx.p.error(ProblemCode.VHDX_METADATA_RESERVED, false, table.site(f), "0", Fmt.bytes(f.bytes(t)), null);
      }
    }
    int count = MetadataLayout.ENTRY_COUNT.u16(t);
    if (count > MetadataLayout.MAX_ENTRIES) {
      ctx.p.error(ProblemCode.VHDX_METADATA_COUNT, false, table.site(MetadataLayout.ENTRY_COUNT),
          "at most " + MetadataLayout.MAX_ENTRIES, Integer.toString(count),
          "only the entries that fit in the table are read");
      count = MetadataLayout.MAX_ENTRIES;
    }
    List<Entry> entries = new ArrayList<>(count);
    Set<UUID> users = new HashSet<>();
    Set<UUID> system = new HashSet<>();
    for (int i = 0; i < count; i++) {
      ByteBuffer e = t.slice(MetadataLayout.entryIndex(i), MetadataLayout.ENTRY_SIZE).order(t.order());
      Entry entry = entry(i, e);
      if (!(entry.item().user() ? users : system).add(entry.item().itemId())) {
        ctx.p.error(ProblemCode.VHDX_METADATA_ENTRY, false, site(i, MetadataLayout.ITEM_ID), "an item listed once",
            Guids.name(entry.item().itemId()), "a second entry for the same item is ignored");
        continue;
      }
      entries.add(entry);
    }
    // MS-VHDX 2.6.1.2: at most 1024 user entries; Windows accepts at most 1023 system entries.
    if (users.size() > MetadataLayout.MAX_USER_ENTRIES || system.size() > MetadataLayout.MAX_SYSTEM_ENTRIES) {
      ctx.p.error(ProblemCode.VHDX_METADATA_COUNT, true, table.site(MetadataLayout.ENTRY_COUNT),
          "at most " + MetadataLayout.MAX_USER_ENTRIES + " user and " + MetadataLayout.MAX_SYSTEM_ENTRIES
              + " system entries", users.size() + " user and " + system.size() + " system entries", null);
    }
    overlaps(entries);
    return entries;
  }

  /** Decodes and checks one entry (MS-VHDX 2.6.1.2). */
  private Entry entry(int i, ByteBuffer e) {
    UUID id = Guids.get(e, MetadataLayout.ITEM_ID);
    long offset = MetadataLayout.OFFSET.u32(e);
    long length = MetadataLayout.LENGTH.u32(e);
    long flags = MetadataLayout.FLAGS.u32(e);
    boolean user = (flags & MetadataLayout.IS_USER) != 0;
    boolean required = (flags & MetadataLayout.IS_REQUIRED) != 0;
    boolean known = !user && KNOWN.contains(id);
    VhdxMetadataItem item = new VhdxMetadataItem(id, Guids.name(id), offset, length, user,
        (flags & MetadataLayout.IS_VIRTUAL_DISK) != 0, required, known);
    if (MetadataLayout.ENTRY_RESERVED.u32(e) != 0) {
      ctx.p.error(ProblemCode.VHDX_METADATA_RESERVED, false, site(i, MetadataLayout.ENTRY_RESERVED), "0",
          hex32(MetadataLayout.ENTRY_RESERVED.u32(e)), null);
    }
    if ((flags & ~MetadataLayout.KNOWN_FLAGS) != 0) {
      ctx.p.error(ProblemCode.VHDX_METADATA_ENTRY, false, site(i, MetadataLayout.FLAGS), "only bits 0-2",
          hex32(flags), "reserved flag bits are set");
    }
    if (id.equals(Guids.ZERO)) {
      ctx.p.error(ProblemCode.VHDX_METADATA_ENTRY, false, site(i, MetadataLayout.ITEM_ID), "a GUID",
          Guids.text(id), "an item with the zero GUID");
    }
    if (user && required) {
      ctx.p.error(ProblemCode.VHDX_METADATA_ENTRY, true, site(i, MetadataLayout.FLAGS),
          "IsRequired clear on a user item", hex32(flags), "a user item marked required");
    }
    // Not in MS-VHDX: Windows keeps this item while it creates a file and removes it when done
    // (OpenVMM refuses such a file), so its presence means the file was never finished.
    if (!user && id.equals(Guids.INCOMPLETE_FILE)) {
      ctx.p.error(ProblemCode.VHDX_INCOMPLETE_FILE, false, site(i, MetadataLayout.ITEM_ID), "no such item",
          Guids.name(id), "the file was never finished by the program creating it");
    } else if (!user && required && !known) {
      // MS-VHDX 2.6.1.2 IsRequired: an implementation that does not know the item MUST fail to load the file.
      throw ctx.p.fatal(ProblemCode.VHDX_METADATA_UNKNOWN_REQUIRED, site(i, MetadataLayout.ITEM_ID),
          "an item this library knows", Guids.text(id), "the file needs a feature this library does not support");
    }
    return new Entry(i, item, placed(i, item));
  }

  /**
   * MS-VHDX 2.6.1.2: an item is at most 1 MiB; an empty one has offset 0; any other lies after the
   * 64 KiB table and inside the region. A misplaced item the geometry needs stops the parse.
   */
  private boolean placed(int i, VhdxMetadataItem item) {
    long offset = item.offset();
    long length = item.length();
    String what = "the " + item.name() + " item";
    if (length > MetadataLayout.MAX_ITEM_LENGTH) {
      return misplaced(item, site(i, MetadataLayout.LENGTH), "at most 1 MiB", num(length), what + " is too long");
    }
    if (length == 0) {
      return offset == 0 || misplaced(item, site(i, MetadataLayout.OFFSET), "0 for an empty item", num(offset),
          what + " is empty but has an offset");
    }
    if (offset < MetadataLayout.TABLE_SIZE || offset + length > region.length()) {
      return misplaced(item, site(i, MetadataLayout.OFFSET), "an item inside [" + MetadataLayout.TABLE_SIZE + ", "
          + region.length() + ") of the region", "[" + offset + ", " + (offset + length) + ")",
          what + " lies outside the metadata region or in its table");
    }
    return true;
  }

  private boolean misplaced(VhdxMetadataItem item, Site site, String expected, String actual, String note) {
    if (item.known() && GEOMETRY.contains(item.itemId())) {
      throw ctx.p.fatal(ProblemCode.VHDX_METADATA_ITEM_PLACEMENT, site, expected, actual, note);
    }
    ctx.p.error(ProblemCode.VHDX_METADATA_ITEM_PLACEMENT, false, site, expected, actual, note);
    return false;
  }

  /**
   * MS-VHDX 2.6.1.2: items must not overlap; sorted by offset, each is compared with the one
   * reaching furthest before it.
   */
  private void overlaps(List<Entry> entries) {
    List<Entry> sorted = new ArrayList<>();
    for (Entry e : entries) {
      if (e.placed() && e.item().length() > 0) {
        sorted.add(e);
      }
    }
    // A lambda of this class rather than Comparator.comparingLong's: the class-data archive holds
    // this one, and a command start-up then spins no class for it.
    sorted.sort((a, b) -> Long.compare(a.item().offset(), b.item().offset()));
    Entry reach = null;
    for (Entry e : sorted) {
      if (reach != null && e.item().offset() < end(reach)) {
        ctx.p.error(ProblemCode.VHDX_METADATA_ITEM_OVERLAP, false, site(e.index(), MetadataLayout.OFFSET),
            "an item after " + end(reach), "[" + e.item().offset() + ", " + end(e) + ")",
            "the " + e.item().name() + " item overlaps the " + reach.item().name() + " item");
      }
      if (reach == null || end(e) > end(reach)) {
        reach = e;
      }
    }
  }

  private static long end(Entry e) {
    return e.item().offset() + e.item().length();
  }
}
