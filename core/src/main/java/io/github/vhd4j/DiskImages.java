package io.github.vhd4j;

import io.github.vhd4j.internal.ContentDigester;
import io.github.vhd4j.internal.Converter;
import io.github.vhd4j.internal.AnyFormat;
import io.github.vhd4j.internal.ImageFiles;
import io.github.vhd4j.internal.Probe;
import io.github.vhd4j.internal.SequentialCopy;
import io.github.vhd4j.internal.storage.FileChannelStorage;
import io.github.vhd4j.internal.storage.OpenFiles;
import io.github.vhd4j.internal.storage.SourceStorage;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhd.StreamConverter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Entry points that work on a disk image of any format: tell what a file is ({@link #probe}),
 * open it as a {@link DiskImage} ({@link #open}) or check it ({@link #check}), and write the guest
 * bytes of any {@link DiskImage} out raw: into a new sparse file ({@link #convertToRaw}) or to a
 * channel in order ({@link #copyTo}); {@link #convertRawToRaw} copies raw input (a file or a
 * stream) the same way. A VHD is opened and checked as {@link Vhd} does, a VHDX as {@link Vhdx}
 * does (the image is then a {@link VhdxImage}); a file of a format vhd4j does not read (QCOW2,
 * VMDK, VDI, ISO 9660) is refused with an {@link UnsupportedFormatException} naming the format,
 * instead of the missing VHD footer.
 *
 * <pre>{@code
 * ProbeResult found = DiskImages.probe(Path.of("disk.qcow2"));   // format() == DiskFormat.QCOW2
 * try (DiskImage image = DiskImages.open(Path.of("disk.vhdx"), OpenOptions.defaults())) {
 *   long size = image.getSize();
 * }
 * }</pre>
 */
public final class DiskImages {
  private DiskImages() {}

  /**
   * Tells which format a file is in, from its bytes alone (never its name): a VHD when the footer
   * cookie is at the end of the file (as a 512- or 511-byte footer) or at offset 0, valid or not,
   * since a damaged VHD is still one; else the format whose signature is found (VHDX, QCOW2,
   * VMDK, VDI, ISO 9660); else raw. No read passes the end of the file. The file is read as a
   * read-only open reads it, with a reader's lock.
   *
   * @param path the file: a regular file or a block device
   * @return the format and the file's length
   * @throws java.nio.file.FileSystemException if {@code path} is a FIFO, socket, character device
   *     or directory (refused before it is opened)
   * @throws IOException if the file cannot be read
   */
  public static ProbeResult probe(Path path) throws IOException {
    return probe(path, OpenOptions.defaults());
  }

  /**
   * Tells which format a file is in, as {@link #probe(Path)} does, holding the file as
   * {@code options} say.
   *
   * @param path the file: a regular file or a block device
   * @param options only {@link OpenOptions#locking()} is used: without locking, the file is read
   *     without a reader's lock
   * @return the format and the file's length
   * @throws IOException as for {@link #probe(Path)}
   */
  public static ProbeResult probe(Path path, OpenOptions options) throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    try (Storage storage = FileChannelStorage.open(path, options.locking())) {
      return new ProbeResult(path.toString(), Probe.detect(storage), storage.size());
    }
  }

  /**
   * Tells which format the bytes of a channel the caller keeps ownership of are in, as
   * {@link #probe(Path)} does for a file. The channel's position may change.
   *
   * @param channel the image bytes
   * @param resource the name used in the result
   * @return the format and the channel's size
   * @throws IOException if the channel cannot be read
   */
  public static ProbeResult probe(SeekableByteChannel channel, String resource) throws IOException {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(resource, "resource");
    try (Storage storage = ImageFiles.storage(channel, resource, OpenOptions.defaults())) {
      return new ProbeResult(resource, Probe.detect(storage), storage.size());
    }
  }

  /**
   * Tells which format a caller's source is in, as {@link #probe(Path)} does for a file.
   *
   * @param source the image bytes (left open)
   * @return the format, the source's name and its size
   * @throws IOException if the source cannot be read
   */
  public static ProbeResult probe(ImageSource source) throws IOException {
    Objects.requireNonNull(source, "source");
    try (Storage storage = new SourceStorage(source, false)) {
      return new ProbeResult(source.name(), Probe.detect(storage), storage.size());
    }
  }

  /**
   * Opens an image file with the default (strict) options.
   *
   * @param path the image
   * @return the open image; close it when done
   * @throws IOException as for {@link #open(Path, OpenOptions)}
   */
  public static DiskImage open(Path path) throws IOException {
    return open(path, OpenOptions.defaults());
  }

  /**
   * Opens an image file of a format vhd4j reads: a VHD opens as {@link Vhd#open(Path,
   * OpenOptions)} opens it, and the result is a {@link VhdImage}. A file without any signature
   * is reported as {@link Vhd#open(Path, OpenOptions)} reports it, by the VHD footer it lacks.
   *
   * @param path the image
   * @param options how to treat the image; the format is probed with a reader's lock unless
   *     {@link OpenOptions#locking()} is off
   * @return the open image; closing it closes the file and the parent chain
   * @throws UnsupportedFormatException if the file is of another format ({@link #probe(Path)})
   * @throws VhdFormatException if the image is malformed (in lenient mode: beyond recovery), or
   *     is raw data, which has no VHD footer
   * @throws ParentNotFoundException if a differencing disk's parent cannot be found or verified
   * @throws java.nio.file.FileSystemException if {@code path} is a FIFO, socket, character device
   *     or directory (refused before it is opened)
   * @throws IOException if the file cannot be read
   */
  public static DiskImage open(Path path, OpenOptions options) throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    return AnyFormat.open(path, options);
  }

  /**
   * Opens an image from a channel the caller keeps ownership of, as
   * {@link #open(Path, OpenOptions)} opens a file and as
   * {@link Vhd#open(SeekableByteChannel, String, OpenOptions)} opens a VHD.
   *
   * @param channel the image bytes
   * @param resource the name used in messages
   * @param options how to treat the image
   * @return the open image; closing it leaves the channel open
   * @throws IOException as for {@link #open(Path, OpenOptions)}
   */
  public static DiskImage open(SeekableByteChannel channel, String resource, OpenOptions options)
      throws IOException {
    Objects.requireNonNull(options, "options");
    return AnyFormat.open(channel, resource, options);
  }

  /**
   * Opens an image from a caller's source, which need not be a local file: an object in a store,
   * a file on a distributed file system. The image is read only through
   * {@link ImageSource#read}, from as many threads as read the image. A differencing disk's
   * parents are opened through {@link OpenOptions#sourceResolver()}; without one they are searched
   * as for {@link #open(SeekableByteChannel, String, OpenOptions)}. No file is locked.
   *
   * @param source the image bytes; closing the image leaves it open
   * @param options how to treat the image; it must not be {@linkplain OpenOptions#writable()
   *     writable}, and {@link OpenOptions#storage()} and {@link OpenOptions#locking()} do not apply
   * @return the open image; closing it closes the parents the resolver opened
   * @throws IllegalArgumentException if {@code options} ask for a writable image
   * @throws IOException as for {@link #open(Path, OpenOptions)}
   */
  public static DiskImage open(ImageSource source, OpenOptions options) throws IOException {
    return AnyFormat.open(source, options);
  }

  /**
   * Checks an image file and its parent chain with the default options.
   *
   * @param path the image
   * @return every problem found
   * @throws IOException as for {@link #check(Path, CheckOptions, ProgressListener)}
   */
  public static ValidationReport check(Path path) throws IOException {
    return check(path, CheckOptions.defaults(), ProgressListener.none());
  }

  /**
   * Checks an image file and its parent chain.
   *
   * @param path the image
   * @param options what to check
   * @return every problem found
   * @throws IOException as for {@link #check(Path, CheckOptions, ProgressListener)}
   */
  public static ValidationReport check(Path path, CheckOptions options) throws IOException {
    return check(path, options, ProgressListener.none());
  }

  /**
   * Checks an image file of a format vhd4j reads, as {@link Vhd#check(Path, CheckOptions,
   * ProgressListener)} checks a VHD: format problems are reported, never thrown. Raw data is
   * checked as a VHD and reported by the footer it lacks; a file of another format cannot be
   * checked and is refused.
   *
   * @param path the image
   * @param options what to check
   * @param progress told about the bytes a deep check has scanned
   * @return every problem found
   * @throws UnsupportedFormatException if the file is of another format ({@link #probe(Path)})
   * @throws IOException if the file cannot be read
   */
  public static ValidationReport check(Path path, CheckOptions options, ProgressListener progress)
      throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(progress, "progress");
    return AnyFormat.check(path, options, progress);
  }

  /**
   * Checks an image held by a caller's source, and its parent chain (parents opened as
   * {@link #open(ImageSource, OpenOptions)} opens them), as {@link #check(Path, CheckOptions,
   * ProgressListener)} checks a file.
   *
   * @param source the image bytes (left open)
   * @param options what to check
   * @param progress told about the bytes a deep check has scanned
   * @return every problem found
   * @throws UnsupportedFormatException if the source holds another format
   * @throws IOException if the source cannot be read
   */
  public static ValidationReport check(ImageSource source, CheckOptions options, ProgressListener progress)
      throws IOException {
    return AnyFormat.check(source, options, progress);
  }

  /**
   * Writes an image's guest bytes into a new raw file, as {@code qemu-img convert -O raw} does: a
   * differencing chain reads flattened, and the file is sparse (ranges the image does not store,
   * and 64 KiB chunks of zeros, are holes). Reading overlaps writing on up to as many threads as
   * there are processors. Nothing is forced while copying; the finished file is forced once
   * unless {@code durability} is {@link Durability#NONE}.
   *
   * @param source the image to copy
   * @param out the new file; it must not exist, and is removed if the conversion fails
   * @param durability {@link Durability#NONE} to never force the file, anything else to force it
   *     once when complete
   * @param progress told about the bytes copied
   * @throws java.nio.file.FileAlreadyExistsException if {@code out} exists
   * @throws IOException if reading or writing fails
   */
  public static void convertToRaw(DiskImage source, Path out, Durability durability, ProgressListener progress)
      throws IOException {
    Objects.requireNonNull(durability, "durability");
    convertToRaw(source, out, OpenOptions.defaults().withDurability(durability), progress);
  }

  /**
   * Writes an image's guest bytes into a new raw file, as
   * {@link #convertToRaw(DiskImage, Path, Durability, ProgressListener)} does, with the new file
   * written as {@code options} say.
   *
   * @param source the image to copy
   * @param out the new file; it must not exist, and is removed if the conversion fails
   * @param options {@link OpenOptions#durability()}: {@link Durability#NONE} to never force the
   *     file, anything else to force it once when complete; {@link OpenOptions#locking()}: whether
   *     the new file is locked as an image open for writing while it is written; the rest is
   *     ignored
   * @param progress told about the bytes copied
   * @throws java.nio.file.FileAlreadyExistsException if {@code out} exists
   * @throws IOException if reading or writing fails
   */
  public static void convertToRaw(DiskImage source, Path out, OpenOptions options, ProgressListener progress)
      throws IOException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(progress, "progress");
    Converter.toRaw(Converter.of(source), out, options.durability() != Durability.NONE, options.locking(), progress,
        Converter.SEGMENT);
  }

  /**
   * Copies a raw file into a new sparse raw file, as
   * {@link #convertToRaw(DiskImage, Path, Durability, ProgressListener)} does for an image: 64 KiB
   * chunks of zeros become holes.
   *
   * @param raw the raw file
   * @param out the new file; it must not exist, and is removed if the copy fails
   * @param durability {@link Durability#NONE} to never force the file, anything else to force it
   *     once when complete
   * @param progress told about the bytes copied
   * @throws java.nio.file.FileAlreadyExistsException if {@code out} exists
   * @throws IOException if reading or writing fails, or if {@code raw} shrinks while it is read
   */
  public static void convertRawToRaw(Path raw, Path out, Durability durability, ProgressListener progress)
      throws IOException {
    Objects.requireNonNull(durability, "durability");
    convertRawToRaw(raw, out, OpenOptions.defaults().withDurability(durability), progress);
  }

  /**
   * Copies a raw file into a new sparse raw file, as
   * {@link #convertRawToRaw(Path, Path, Durability, ProgressListener)} does, with both files
   * treated as {@code options} say.
   *
   * @param raw the raw file
   * @param out the new file; it must not exist, and is removed if the copy fails
   * @param options {@link OpenOptions#durability()}: {@link Durability#NONE} to never force the
   *     new file, anything else to force it once when complete; {@link OpenOptions#locking()}:
   *     whether {@code raw} is read with a reader's lock and {@code out} locked while it is
   *     written; the rest is ignored
   * @param progress told about the bytes copied
   * @throws java.nio.file.FileAlreadyExistsException if {@code out} exists
   * @throws IOException if reading or writing fails, or if {@code raw} shrinks while it is read
   */
  public static void convertRawToRaw(Path raw, Path out, OpenOptions options, ProgressListener progress)
      throws IOException {
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(progress, "progress");
    try (OpenFiles.Lease in = OpenFiles.open(raw, OpenFiles.Access.READ, options.locking())) {
      Converter.toRaw(Converter.of(in.channel()), out, options.durability() != Durability.NONE, options.locking(),
          progress, Converter.SEGMENT);
    }
  }

  /**
   * Copies raw guest bytes read from a stream into a new sparse raw file, as
   * {@link #convertRawToRaw(Path, Path, Durability, ProgressListener)} does for a file: 64 KiB
   * chunks of zeros become holes. The input is read once, in order.
   *
   * @param raw the guest bytes, from the channel's position to its end; a blocking channel, not
   *     closed
   * @param out the new file; it must not exist, and is removed if the copy fails
   * @param durability {@link Durability#NONE} to never force the file, anything else to force it
   *     once when complete
   * @param progress told the bytes read so far, with a total of -1 until the input ends; the last
   *     call reports the length as both
   * @throws java.nio.file.FileAlreadyExistsException if {@code out} exists
   * @throws IllegalArgumentException if {@code raw} is a non-blocking channel
   * @throws IOException if reading or writing fails
   */
  public static void convertRawToRaw(ReadableByteChannel raw, Path out, Durability durability,
      ProgressListener progress) throws IOException {
    Objects.requireNonNull(durability, "durability");
    convertRawToRaw(raw, out, OpenOptions.defaults().withDurability(durability), progress);
  }

  /**
   * Copies raw guest bytes read from a stream into a new sparse raw file, as
   * {@link #convertRawToRaw(ReadableByteChannel, Path, Durability, ProgressListener)} does, with the
   * new file written as {@code options} say.
   *
   * @param raw the guest bytes, from the channel's position to its end; a blocking channel, not
   *     closed
   * @param out the new file; it must not exist, and is removed if the copy fails
   * @param options {@link OpenOptions#durability()}: {@link Durability#NONE} to never force the
   *     file, anything else to force it once when complete; {@link OpenOptions#locking()}: whether
   *     the new file is locked as an image open for writing while it is written; the rest is
   *     ignored
   * @param progress told the bytes read so far, with a total of -1 until the input ends; the last
   *     call reports the length as both
   * @throws java.nio.file.FileAlreadyExistsException if {@code out} exists
   * @throws IllegalArgumentException if {@code raw} is a non-blocking channel
   * @throws IOException if reading or writing fails
   */
  public static void convertRawToRaw(ReadableByteChannel raw, Path out, OpenOptions options,
      ProgressListener progress) throws IOException {
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(progress, "progress");
    StreamConverter.toRaw(raw, out, options.durability() != Durability.NONE, options.locking(), progress);
  }

  /**
   * Writes a range of an image's guest bytes to a channel, in order and every byte, zeros
   * included: what a pipe, a terminal or a device needs ({@code vhd cat} and {@code vhd convert
   * -O raw} onto a device use it). A differencing chain reads flattened. The range is cut at the
   * end of the disk. A failure of {@code out} is thrown as {@code out} threw it.
   *
   * @param source the image
   * @param offset the first virtual byte, not negative
   * @param length the number of bytes, not negative
   * @param out where the bytes go; not closed
   * @param progress told the bytes written so far and the number to write
   * @return the number of bytes written
   * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
   * @throws IOException if the image cannot be read or {@code out} cannot be written
   */
  public static long copyTo(DiskImage source, long offset, long length, WritableByteChannel out,
      ProgressListener progress) throws IOException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(progress, "progress");
    return SequentialCopy.copy(source, offset, length, out, progress);
  }

  /**
   * Computes the digest of an image's content, the guest bytes of the virtual disk in order (a
   * differencing chain reads flattened): equal to the digest of the raw file {@code qemu-img
   * convert -O raw} writes from it, so {@code sha256sum} of that file prints the same hexadecimal
   * digest. Ranges the allocation map marks as unstored are hashed as zeros without reading them;
   * stored ranges are read in 4 MiB pieces, on a second thread while this one hashes when there
   * is more than one processor. Memory does not grow with the disk's size, except for the
   * manifest this method collects: with {@link ChecksumOptions#blockSize()} set, the digest of
   * every block is listed in {@link ContentChecksum#blocks()}, up to
   * {@link ChecksumOptions#MAX_LISTED_BLOCKS} blocks; stream larger manifests with
   * {@link #checksumBlocks(DiskImage, ChecksumOptions, Consumer)}.
   *
   * <pre>{@code
   * try (DiskImage image = DiskImages.open(disk)) {   // disk: the image's Path
   *   ContentChecksum sum = DiskImages.checksum(image, ChecksumOptions.defaults(), ProgressListener.none());
   *   System.out.println(sum.digest());   // what sha256sum prints for qemu-img convert -O raw's output
   * }
   * }</pre>
   *
   * @param image the image; only read, and not closed
   * @param options the algorithm and the manifest's block size (0 for none)
   * @param progress told the bytes hashed so far and the virtual size, on the calling thread
   * @return the digest, its size and the manifest
   * @throws IllegalArgumentException if the algorithm is not available in this JVM, or the
   *     manifest would list more than {@link ChecksumOptions#MAX_LISTED_BLOCKS} blocks
   * @throws java.io.InterruptedIOException if the calling thread is interrupted
   * @throws IOException if the image cannot be read
   */
  public static ContentChecksum checksum(DiskImage image, ChecksumOptions options, ProgressListener progress)
      throws IOException {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(progress, "progress");
    return ContentDigester.digest(image, options, progress, null, true);
  }

  /**
   * Computes the digest of an image's content as
   * {@link #checksum(DiskImage, ChecksumOptions, ProgressListener)} does, handing each block of
   * the manifest to {@code blocks} as soon as it is hashed instead of collecting them: memory then
   * stays the same for a manifest of any length (a 2 TiB disk in 512 KiB blocks has four million).
   * {@code blocks} is called on the calling thread, in order of offset, so each block's
   * {@link BlockChecksum#end()} is also the progress; an exception it throws stops the checksum
   * and is thrown from here.
   *
   * <pre>{@code
   * ChecksumOptions everyHalfMebibyte = ChecksumOptions.defaults().withBlockSize(512 * 1024);
   * ContentChecksum sum = DiskImages.checksumBlocks(image, everyHalfMebibyte,
   *     block -> manifest.add(block.offset() + " " + block.digest()));
   * }</pre>
   *
   * @param image the image; only read, and not closed
   * @param options the algorithm and the manifest's block size; with a block size of 0, {@code
   *     blocks} is never called
   * @param blocks receives each block's digest
   * @return the digest and its size, with an empty {@link ContentChecksum#blocks()}
   * @throws IllegalArgumentException if the algorithm is not available in this JVM
   * @throws java.io.InterruptedIOException if the calling thread is interrupted
   * @throws IOException if the image cannot be read
   */
  public static ContentChecksum checksumBlocks(DiskImage image, ChecksumOptions options,
      Consumer<BlockChecksum> blocks) throws IOException {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(blocks, "blocks");
    return ContentDigester.digest(image, options, ProgressListener.none(), blocks, true);
  }
}
