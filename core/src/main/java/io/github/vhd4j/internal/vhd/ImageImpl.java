package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.DiskFormat;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.DynamicHeader;
import io.github.vhd4j.Footer;
import io.github.vhd4j.ParentResolution;
import io.github.vhd4j.Problem;
import io.github.vhd4j.SizeInfo;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.internal.ChainView;
import io.github.vhd4j.internal.storage.Storage;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The one implementation of {@link VhdImage}: a chain view whose layers are VHD files. */
final class ImageImpl extends ChainView implements VhdImage {

  private ImageImpl(Shared shared, int level, @Nullable ParentResolution resolution) {
    super(shared, level, resolution);
  }

  static VhdImage build(List<Layer> layers, List<List<Problem>> warnings,
      List<@Nullable ParentResolution> resolutions, List<Storage> owned, @Nullable Writer writer) {
    return (VhdImage) ChainView.build(layers, warnings, resolutions, owned, writer, ImageImpl::new);
  }

  private Layer layer() {
    return (Layer) top();
  }

  @Override
  public DiskFormat getFormat() {
    return DiskFormat.VHD;
  }

  @Override
  public Footer getFooter() {
    return layer().footer;
  }

  @Override
  public @Nullable DynamicHeader getDynamicHeader() {
    return layer().header;
  }

  @Override
  public DiskType getDiskType() {
    return layer().type;
  }

  @Override
  public SizeInfo getSizeInfo() {
    return layer().sizes;
  }

  @Override
  public long getBlockSize() {
    return layer().blockSize;
  }

  @Override
  public @Nullable VhdImage getParent() {
    return (VhdImage) parentView();
  }

  @Override
  public @Nullable ParentResolution getParentResolution() {
    return resolution;
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<VhdImage> getChain() {
    return (List<VhdImage>) (List<?>) views();
  }

  @Override
  public SeekableByteChannel newChannel() {
    return super.newChannel();
  }

  @Override
  public String toString() {
    return "VhdImage[" + layer().resource + ", " + layer().type + ", " + layer().virtualSize + " bytes]";
  }
}
