package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.DiskFormat;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.ParentResolution;
import io.github.vhd4j.Problem;
import io.github.vhd4j.SizeInfo;
import io.github.vhd4j.SizePolicy;
import io.github.vhd4j.SizeSource;
import io.github.vhd4j.VhdxHeader;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.VhdxLogState;
import io.github.vhd4j.VhdxMetadata;
import io.github.vhd4j.VhdxParentLocator;
import io.github.vhd4j.VhdxRegion;
import io.github.vhd4j.internal.ChainView;
import io.github.vhd4j.internal.storage.Storage;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The one implementation of {@link VhdxImage}: a read-only chain view whose layers are VHDX files. */
public final class VhdxImageImpl extends ChainView implements VhdxImage {

  private VhdxImageImpl(Shared shared, int level, @Nullable ParentResolution resolution) {
    super(shared, level, resolution);
  }

  /**
   * Builds the views of a chain of VHDX layers.
   *
   * @param layers the layers, top first
   * @param warnings each layer's problems
   * @param resolutions how each layer's parent was found (null for the last)
   * @param owned the storages the top image closes
   * @return the top image
   */
  public static VhdxImage build(List<VhdxLayer> layers, List<List<Problem>> warnings,
      List<@Nullable ParentResolution> resolutions, List<Storage> owned) {
    return (VhdxImage) ChainView.build(layers, warnings, resolutions, owned, null, VhdxImageImpl::new);
  }

  private VhdxLayer layer() {
    return (VhdxLayer) top();
  }

  @Override
  public DiskFormat getFormat() {
    return DiskFormat.VHDX;
  }

  @Override
  public long getFileSize() {
    return layer().file.size();
  }

  @Override
  public SizeInfo getSizeInfo() {
    long size = layer().virtualSize;
    // VHDX stores one size; there is no geometry or second size to choose between.
    return new SizeInfo(size, SizeSource.VIRTUAL_DISK_SIZE, SizePolicy.AUTO, size, size, size);
  }

  @Override
  public String getCreator() {
    return layer().creator;
  }

  @Override
  public VhdxHeader getHeader() {
    return layer().header;
  }

  @Override
  public List<VhdxHeader> getHeaders() {
    return layer().headers;
  }

  @Override
  public List<VhdxRegion> getRegions() {
    return layer().regions;
  }

  @Override
  public VhdxMetadata getMetadata() {
    return layer().metadata;
  }

  @Override
  public @Nullable VhdxParentLocator getParentLocator() {
    return layer().locator;
  }

  @Override
  public VhdxLogState getLogState() {
    return layer().log;
  }

  @Override
  public DiskType getDiskType() {
    return layer().diskType();
  }

  @Override
  public long getBlockSize() {
    return layer().blockSize;
  }

  @Override
  public int getLogicalSectorSize() {
    return layer().metadata.logicalSectorSize();
  }

  @Override
  public int getPhysicalSectorSize() {
    return layer().metadata.physicalSectorSize();
  }

  @Override
  public @Nullable VhdxImage getParent() {
    return (VhdxImage) parentView();
  }

  @Override
  public @Nullable ParentResolution getParentResolution() {
    return resolution;
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<VhdxImage> getChain() {
    return (List<VhdxImage>) (List<?>) views();
  }

  @Override
  public String toString() {
    VhdxLayer l = layer();
    return "VhdxImage[" + l.resource + ", " + l.diskType() + ", " + l.virtualSize + " bytes]";
  }
}
