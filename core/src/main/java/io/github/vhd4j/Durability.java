package io.github.vhd4j;

/**
 * When a writable image forces its writes to the device ({@link OpenOptions#durability()}).
 *
 * <p>Whatever the choice, metadata is written in an order that keeps the image consistent if the
 * process dies: a block's data and the footer that follows it are written before the block
 * allocation table points at the block. The choice decides what survives a power failure or an
 * operating-system crash.
 */
public enum Durability {
  /**
   * The default: a new block's data and the new footer are forced before its table entry is
   * written, and the entry is forced before the write returns; in a differencing disk, data
   * written into a sector for the first time is forced before the sector bitmap marks it. After a
   * power failure the image opens and shows, for every sector, the old or the new content. Data
   * written into already-allocated sectors is not forced: call {@link VhdImage#flush()} for that.
   */
  SYNC_ALLOCATIONS,
  /**
   * Nothing is forced until {@link VhdImage#flush()} or {@link VhdImage#close()}: the fastest way
   * to fill a new image. The write order still protects against a process crash; after a power
   * failure before the flush, the image may need {@code vhd repair} and may have lost unflushed
   * writes.
   */
  ON_FLUSH,
  /**
   * Nothing is ever forced, not even by {@link VhdImage#close()}; only {@link VhdImage#flush()}
   * forces. For bulk writes into a new file that is worthless until complete (a conversion into a
   * temporary file, say), where durability is decided once at the end, as {@code qemu-img} does.
   */
  NONE
}
