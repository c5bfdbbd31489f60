package io.github.vhd4j.fuzz;

import java.util.List;

/**
 * The bytes of each file of a chain, top first, as an allocation map's data runs refer to them
 * (an {@code Extent}'s depth picks the file, its file offset the place in it). VHD layers are whole
 * arrays; a VHDX layer may be a file seen through its replayed log, read on demand.
 */
interface Layers {
  /** The number of layers. */
  int count();

  /** The length of layer {@code depth}. */
  long length(int depth);

  /** Copies {@code n} bytes of layer {@code depth} from {@code from} into {@code dst} at {@code at}. */
  void copy(int depth, long from, byte[] dst, int at, int n);

  /** Layers held as arrays. */
  static Layers of(List<byte[]> files) {
    return new Layers() {
      @Override
      public int count() {
        return files.size();
      }

      @Override
      public long length(int depth) {
        return files.get(depth).length;
      }

      @Override
      public void copy(int depth, long from, byte[] dst, int at, int n) {
        System.arraycopy(files.get(depth), (int) from, dst, at, n);
      }
    };
  }
}
