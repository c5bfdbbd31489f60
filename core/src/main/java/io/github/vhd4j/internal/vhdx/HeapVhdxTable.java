package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.internal.ImageLayer;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;

/** A VHDX table held on the heap, entries in file order, bitmap entries included. */
final class HeapVhdxTable extends VhdxTable {
  private final long[] entries;
  private final long chunkRatio;
  private final long sectorsPerBlock;

  HeapVhdxTable(VhdxGeometry geometry, long[] entries) {
    super(geometry);
    this.entries = entries;
    this.chunkRatio = geometry.chunkRatio();
    this.sectorsPerBlock = geometry.sectorsPerBlock();
  }

  @Override
  public long payloadEntry(int block) {
    return entries[(int) BatLayout.payloadIndex(block, chunkRatio)];
  }

  @Override
  public long bitmapEntry(int chunk) {
    long i = BatLayout.bitmapIndex(chunk, chunkRatio);
    return i < entries.length ? entries[(int) i] : 0;
  }

  @Override
  public long locate(int block) {
    return resolve(payloadEntry(block));
  }

  private long resolve(long e) {
    switch (BatLayout.state(e)) {
      case BatLayout.PAYLOAD_FULLY_PRESENT:
        return BatLayout.fileOffset(e);
      case BatLayout.PAYLOAD_PARTIALLY_PRESENT:
        return BatLayout.fileOffset(e) | ImageLayer.PARTIAL;
      case BatLayout.PAYLOAD_NOT_PRESENT:
        return geometry.differencing() ? ImageLayer.PARENT : ImageLayer.ZERO;
      default:
        return ImageLayer.ZERO;
    }
  }

  @Override
  public long bitmapOffset(int block) {
    long chunk = block / chunkRatio;
    return BatLayout.fileOffset(bitmapEntry((int) chunk)) + BatLayout.bitmapByte(block, chunkRatio, sectorsPerBlock);
  }

  @Override
  public ImageLayer.Scan scan(long empty) {
    return new ImageLayer.Scan() {
      @Override
      public int next(int from, int to) {
        int b = from;
        while (b < to && resolve(payloadEntry(b)) == empty) {
          b++;
        }
        return b;
      }

      @Override
      public long locate(int block) {
        return resolve(payloadEntry(block));
      }

      @Override
      public long empty() {
        return empty;
      }
    };
  }
}
