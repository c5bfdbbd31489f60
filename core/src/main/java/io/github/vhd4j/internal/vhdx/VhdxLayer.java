package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.VhdxHeader;
import io.github.vhd4j.VhdxLogState;
import io.github.vhd4j.VhdxMetadata;
import io.github.vhd4j.VhdxParentLocator;
import io.github.vhd4j.VhdxRegion;
import io.github.vhd4j.internal.ImageLayer;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One parsed and validated VHDX file: its structures as records and its table as the block
 * resolver. When a dirty log was replayed in memory, {@link #storage} reads through the replay
 * and {@link #file} is the untouched file.
 */
public final class VhdxLayer extends ImageLayer {
  /** The file as stored. */
  public final Storage file;
  /** The file identifier's creator text. */
  public final String creator;
  /** Both header copies. */
  public final List<VhdxHeader> headers;
  /** The current header. */
  public final VhdxHeader header;
  /** The region table in effect. */
  public final List<VhdxRegion> regions;
  /** The metadata. */
  public final VhdxMetadata metadata;
  /** The parent locator, or null without a parent. */
  public final @Nullable VhdxParentLocator locator;
  /** The log's state. */
  public final VhdxLogState log;
  /** The table. */
  public final VhdxTable table;

  /**
   * What the parser found, grouped.
   *
   * @param creator the identifier's creator
   * @param headers both header copies
   * @param header the current one
   * @param regions the region table in effect
   * @param metadata the metadata
   * @param locator the parent locator, or null
   * @param log the log state
   */
  public record Parts(String creator, List<VhdxHeader> headers, VhdxHeader header, List<VhdxRegion> regions,
      VhdxMetadata metadata, @Nullable VhdxParentLocator locator, VhdxLogState log) {}

  /**
   * Assembles a layer.
   *
   * @param ctx the parse, whose storage reads through any replayed log
   * @param parts the structures
   * @param table the table
   */
  public VhdxLayer(VhdxParseContext ctx, Parts parts, VhdxTable table) {
    super(ctx.storage, ctx.resource, ctx.path, parts.metadata().virtualSize(), false,
        parts.metadata().hasParent(), parts.metadata().blockSize(), parts.metadata().logicalSectorSize());
    this.file = ctx.file;
    this.creator = parts.creator();
    this.headers = List.copyOf(parts.headers());
    this.header = parts.header();
    this.regions = List.copyOf(parts.regions());
    this.metadata = parts.metadata();
    this.locator = parts.locator();
    this.log = parts.log();
    this.table = table;
  }

  /**
   * Returns the disk type as users name it.
   *
   * @return differencing with a parent, fixed when the blocks stay allocated, else dynamic
   */
  public DiskType diskType() {
    return metadata.hasParent() ? DiskType.DIFFERENCING
        : metadata.leaveBlockAllocated() ? DiskType.FIXED : DiskType.DYNAMIC;
  }

  /**
   * Returns the path the layer was opened from.
   *
   * @return the path, or null
   */
  public @Nullable Path path() {
    return path;
  }

  @Override
  public long locate(int block) throws IOException {
    return table.locate(block);
  }

  @Override
  public long bitmapOffset(int block, long located) throws IOException {
    return table.bitmapOffset(block);
  }

  @Override
  public int mask(int sector) {
    return BatLayout.mask(sector);
  }

  @Override
  public Scan scan() {
    return table.scan(differencing ? PARENT : ZERO);
  }
}
