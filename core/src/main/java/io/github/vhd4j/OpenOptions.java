package io.github.vhd4j;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How {@link Vhd#open} treats an image. Immutable; start from {@link #defaults()} and change
 * what you need with the {@code with...} methods.
 *
 * <p>Defaults are strict: any error-level problem throws {@link VhdFormatException}.
 *
 * @param lenient open images with error-level problems as long as their content is still
 *     unambiguous, listing every downgraded problem in {@link VhdImage#getWarnings()}; structural
 *     damage that would make reads guess (a truncated fixed disk, an invalid block size, a table
 *     too small for the disk) still throws
 * @param sizePolicy how the virtual size is derived from the footer
 * @param footerRecovery when the footer at the end of the file is missing or corrupt, use the copy
 *     at offset 0 (dynamic and differencing disks only) and report it as a warning; on by default
 *     (the copy is validated like the footer itself), and lenient mode implies it
 * @param maxChainDepth the most parent levels a differencing chain may have (1 to 4096)
 * @param parentDirectories directories (and their subdirectories) from which parents may be
 *     opened, in addition to the child's own directory
 * @param parentResolver a caller-supplied resolver that replaces the built-in one; its paths are
 *     trusted and not confined to the allowed directories
 * @param sourceResolver opens parents as {@link ImageSource}s instead of local files, for images
 *     that are not local files (or whose parents are not): when set, it alone supplies every
 *     parent, whatever the top image was opened from, and {@code parentDirectories} and
 *     {@code parentResolver} are not used; the resolver is the confinement. Without it, an image
 *     opened from an {@link ImageSource} has its parents searched as an image opened from a
 *     channel does (only absolute Mac locators name a local file)
 * @param verifyParentUuid require the parent's footer UUID to equal the child's parent UUID; when
 *     false (for old Virtual PC chains), the parent's current size must equal the child's instead
 * @param storage how files are accessed: positional file-channel reads or memory mapping
 * @param mapChunkSize for {@link StorageMode#MAPPED}: the size of each mapped chunk, a power of two
 *     from 512 bytes to 1 GiB (small chunks are for tests; reads across chunks are supported); also
 *     the chunk size in-memory images are read with in that mode
 * @param writable open the top image for writing ({@link VhdImage#write}); its parents stay
 *     read-only, and the file is accessed through a file channel whatever {@code storage} says
 * @param durability for writable images: when writes are forced to the device
 * @param locking take locks on image files in the byte ranges QEMU locks, so that vhd4j and QEMU
 *     (and other vhd4j processes) see each other: an image opened for writing, or changed by
 *     resize, compact, commit or repair, is held exclusively, and opening it fails with
 *     {@link ImageInUseException} while another process uses it; a read-only open holds a shared
 *     lock and, when another process has the image open for writing, goes on with an
 *     {@link ProblemCode#IMAGE_IN_USE} warning. Within one process a file has one writer: a
 *     second writable open fails the same way, while readers may share the writer's file. On by
 *     default; Windows takes no locks (its locks are mandatory). Turn it off only for file systems
 *     that do not support locks (some network file systems), where opening fails with a
 *     {@link VhdException} saying so: nothing then keeps another program from writing the image
 *     while vhd4j changes it, which can corrupt it, and reads may see a half-written state
 */
public record OpenOptions(
    boolean lenient,
    SizePolicy sizePolicy,
    boolean footerRecovery,
    int maxChainDepth,
    List<Path> parentDirectories,
    @Nullable ParentResolver parentResolver,
    @Nullable SourceResolver sourceResolver,
    boolean verifyParentUuid,
    StorageMode storage,
    long mapChunkSize,
    boolean writable,
    Durability durability,
    boolean locking) {

  /** Default and recommended maximum depth of a parent chain. */
  public static final int DEFAULT_MAX_CHAIN_DEPTH = 64;

  /** Largest accepted {@link #maxChainDepth()}. */
  public static final int MAX_CHAIN_DEPTH_LIMIT = 4096;

  /** Default size of a mapped chunk: 1 GiB. */
  public static final long DEFAULT_MAP_CHUNK_SIZE = 1L << 30;

  /**
   * System property that sets the default {@link #storage()}: {@code filechannel} or
   * {@code mapped}. Lets an application, or a test run, switch engines without code changes; any
   * other value is ignored.
   */
  public static final String STORAGE_PROPERTY = "vhd4j.storage";

  /**
   * System property that sets the default {@link #mapChunkSize()} in bytes (a power of two from 512
   * to 2^30; any other value is ignored).
   */
  public static final String MAP_CHUNK_SIZE_PROPERTY = "vhd4j.mapChunkSize";

  private static final OpenOptions DEFAULTS = new OpenOptions(false, SizePolicy.AUTO, true,
      DEFAULT_MAX_CHAIN_DEPTH, List.of(), null, null, true, defaultStorage(), defaultChunkSize(), false,
      Durability.SYNC_ALLOCATIONS, true);

  /** Reads {@value #STORAGE_PROPERTY}; a missing or unknown value means file-channel reads. */
  private static StorageMode defaultStorage() {
    String v = System.getProperty(STORAGE_PROPERTY, "");
    return v.trim().equalsIgnoreCase("mapped") ? StorageMode.MAPPED : StorageMode.FILE_CHANNEL;
  }

  /**
   * Reads {@value #MAP_CHUNK_SIZE_PROPERTY}; a missing or invalid value means 1 GiB. A typo in a
   * system property must not make this class unusable, so it is ignored rather than thrown.
   */
  private static long defaultChunkSize() {
    try {
      long v = Long.parseLong(System.getProperty(MAP_CHUNK_SIZE_PROPERTY, "").trim());
      return v >= 512 && v <= 1L << 30 && Long.bitCount(v) == 1 ? v : DEFAULT_MAP_CHUNK_SIZE;
    } catch (NumberFormatException e) {
      return DEFAULT_MAP_CHUNK_SIZE;
    }
  }

  /**
   * Creates options; prefer {@link #defaults()} and the {@code with...} methods.
   *
   * @param lenient open despite errors that leave content unambiguous
   * @param sizePolicy how the virtual size is chosen
   * @param footerRecovery fall back to the footer copy at offset 0
   * @param maxChainDepth 1 to 4096
   * @param parentDirectories extra directories parents may be opened from
   * @param parentResolver caller-supplied resolver, or null for the built-in one
   * @param sourceResolver opens parents as sources, or null to search local files
   * @param verifyParentUuid require matching parent UUIDs
   * @param storage file-channel reads or memory mapping
   * @param mapChunkSize mapped chunk size, a power of two from 512 to 2^30
   * @param writable open the top image for writing
   * @param durability when writes are forced to the device
   * @param locking lock image files the way QEMU does
   */
  public OpenOptions {
    Objects.requireNonNull(sizePolicy, "sizePolicy");
    if (maxChainDepth < 1 || maxChainDepth > MAX_CHAIN_DEPTH_LIMIT) {
      throw new IllegalArgumentException(
          "maxChainDepth must be 1.." + MAX_CHAIN_DEPTH_LIMIT + ": " + maxChainDepth);
    }
    parentDirectories = List.copyOf(parentDirectories);
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(durability, "durability");
    if (mapChunkSize < 512 || mapChunkSize > 1L << 30 || Long.bitCount(mapChunkSize) != 1) {
      throw new IllegalArgumentException("mapChunkSize must be a power of two from 512 to 2^30: " + mapChunkSize);
    }
  }

  /**
   * Returns the strict defaults: size policy {@link SizePolicy#AUTO}, reported footer recovery
   * from the head copy, chain depth 64, parents only from the child's directory, parent UUID
   * verified, file-channel storage with 1 GiB map chunks (the last two can be changed through the
   * {@value #STORAGE_PROPERTY} and {@value #MAP_CHUNK_SIZE_PROPERTY} system properties).
   *
   * @return the default options
   */
  public static OpenOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns the defaults with {@link #writable()} set: strict validation, and every block
   * allocation forced to the device before the table points at it.
   *
   * @return options for opening an image to write to it
   */
  public static OpenOptions forWriting() {
    return DEFAULTS.withWritable(true);
  }

  /**
   * Returns a copy that opens the top image for writing, or read-only.
   *
   * @param value true to allow writes
   * @return the new options
   */
  public OpenOptions withWritable(boolean value) {
    return new OpenOptions(lenient, sizePolicy, footerRecovery, maxChainDepth, parentDirectories,
        parentResolver, sourceResolver, verifyParentUuid, storage, mapChunkSize, value, durability, locking);
  }

  /**
   * Returns a copy with another write durability.
   *
   * @param value when writes are forced to the device
   * @return the new options
   */
  public OpenOptions withDurability(Durability value) {
    return new OpenOptions(lenient, sizePolicy, footerRecovery, maxChainDepth, parentDirectories,
        parentResolver, sourceResolver, verifyParentUuid, storage, mapChunkSize, writable, value, locking);
  }

  /**
   * Returns a copy with lenient mode switched on or off.
   *
   * @param value true for lenient
   * @return the new options
   */
  public OpenOptions withLenient(boolean value) {
    return new OpenOptions(value, sizePolicy, footerRecovery, maxChainDepth, parentDirectories,
        parentResolver, sourceResolver, verifyParentUuid, storage, mapChunkSize, writable, durability, locking);
  }

  /**
   * Returns a copy with another size policy.
   *
   * @param value the policy
   * @return the new options
   */
  public OpenOptions withSizePolicy(SizePolicy value) {
    return new OpenOptions(lenient, value, footerRecovery, maxChainDepth, parentDirectories,
        parentResolver, sourceResolver, verifyParentUuid, storage, mapChunkSize, writable, durability, locking);
  }

  /**
   * Returns a copy that does or does not fall back to the footer copy at offset 0.
   *
   * @param value true to allow recovery from the head copy
   * @return the new options
   */
  public OpenOptions withFooterRecovery(boolean value) {
    return new OpenOptions(lenient, sizePolicy, value, maxChainDepth, parentDirectories,
        parentResolver, sourceResolver, verifyParentUuid, storage, mapChunkSize, writable, durability, locking);
  }

  /**
   * Returns a copy with another chain-depth limit.
   *
   * @param value 1 to 4096
   * @return the new options
   */
  public OpenOptions withMaxChainDepth(int value) {
    return new OpenOptions(lenient, sizePolicy, footerRecovery, value, parentDirectories,
        parentResolver, sourceResolver, verifyParentUuid, storage, mapChunkSize, writable, durability, locking);
  }

  /**
   * Returns a copy that also allows parents inside these directories and their subdirectories.
   *
   * @param value the directories
   * @return the new options
   */
  public OpenOptions withParentDirectories(List<Path> value) {
    return new OpenOptions(lenient, sizePolicy, footerRecovery, maxChainDepth, value,
        parentResolver, sourceResolver, verifyParentUuid, storage, mapChunkSize, writable, durability, locking);
  }

  /**
   * Returns a copy with or without parent UUID verification.
   *
   * @param value false to accept a parent whose UUID differs but whose size matches
   * @return the new options
   */
  public OpenOptions withVerifyParentUuid(boolean value) {
    return new OpenOptions(lenient, sizePolicy, footerRecovery, maxChainDepth, parentDirectories,
        parentResolver, sourceResolver, value, storage, mapChunkSize, writable, durability, locking);
  }

  /**
   * Returns a copy with another storage mode.
   *
   * @param value file-channel reads or memory mapping
   * @return the new options
   */
  public OpenOptions withStorage(StorageMode value) {
    return new OpenOptions(lenient, sizePolicy, footerRecovery, maxChainDepth, parentDirectories,
        parentResolver, sourceResolver, verifyParentUuid, value, mapChunkSize, writable, durability, locking);
  }

  /**
   * Returns a copy with another mapped chunk size.
   *
   * @param value a power of two from 512 to 2^30
   * @return the new options
   */
  public OpenOptions withMapChunkSize(long value) {
    return new OpenOptions(lenient, sizePolicy, footerRecovery, maxChainDepth, parentDirectories,
        parentResolver, sourceResolver, verifyParentUuid, storage, value, writable, durability, locking);
  }

  /**
   * Returns a copy that finds parents with a caller-supplied resolver (or, for null, the built-in
   * one).
   *
   * @param value the resolver
   * @return the new options
   */
  public OpenOptions withParentResolver(@Nullable ParentResolver value) {
    return new OpenOptions(lenient, sizePolicy, footerRecovery, maxChainDepth, parentDirectories,
        value, sourceResolver, verifyParentUuid, storage, mapChunkSize, writable, durability, locking);
  }

  /**
   * Returns a copy that opens parents through a resolver of {@link ImageSource}s.
   *
   * @param value the resolver, or null to search local files
   * @return the new options
   */
  public OpenOptions withSourceResolver(@Nullable SourceResolver value) {
    return new OpenOptions(lenient, sizePolicy, footerRecovery, maxChainDepth, parentDirectories,
        parentResolver, value, verifyParentUuid, storage, mapChunkSize, writable, durability, locking);
  }

  /**
   * Returns a copy that takes file locks, or not. See {@link #locking()} for what turning them off
   * risks.
   *
   * @param value false to take no locks
   * @return the new options
   */
  public OpenOptions withLocking(boolean value) {
    return new OpenOptions(lenient, sizePolicy, footerRecovery, maxChainDepth, parentDirectories,
        parentResolver, sourceResolver, verifyParentUuid, storage, mapChunkSize, writable, durability, value);
  }
}
