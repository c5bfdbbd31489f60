/**
 * vhd4j: strict, fast reading and safe writing of Microsoft VHD disk images (fixed, dynamic and
 * differencing), and strict, read-only reading of VHDX images ({@link io.github.vhd4j.Vhdx}).
 *
 * <p>Everything starts at {@link io.github.vhd4j.Vhd}, whose static methods open, check, create,
 * convert and maintain images. An open image is a {@link io.github.vhd4j.VhdImage}, which is a
 * {@link io.github.vhd4j.DiskImage}: the interface every format vhd4j reads shares (see "Any
 * format" below). The option
 * types ({@link io.github.vhd4j.OpenOptions}, {@link io.github.vhd4j.CreateOptions},
 * {@link io.github.vhd4j.CheckOptions}) are immutable records: start from a factory such as
 * {@link io.github.vhd4j.OpenOptions#defaults()} and change single settings with their
 * {@code with...} methods. In the samples below, names such as {@code disk}, {@code raw},
 * {@code base}, {@code child} and {@code damaged} are {@link java.nio.file.Path}s of files, and
 * {@code data} and {@code bootCode} are byte arrays.
 *
 * <h2>The format in brief</h2>
 *
 * <p>Every VHD ends with a 512-byte <em>footer</em> ({@link io.github.vhd4j.Footer}): the cookie
 * {@code "conectix"} at offset 0, the disk type at offset 60, a checksum at 64 and a UUID at 68.
 * It records the disk's size twice, as a cylinder/head/sector {@link io.github.vhd4j.Geometry}
 * (offset 56) and as the current size in bytes (offset 48); see "Size policy" below for why that
 * matters. A <em>fixed</em> disk is nothing but the guest bytes followed by the footer, so its
 * data offset (footer offset 16) is all ones.
 *
 * <p>A <em>dynamic</em> disk stores only what was written. Its footer's data offset points to a
 * 1024-byte <em>dynamic header</em> ({@link io.github.vhd4j.DynamicHeader}, cookie
 * {@code "cxsparse"}), normally right after a copy of the footer at offset 0, which lets a
 * damaged tail footer be recovered. The header gives the offset of the <em>block allocation
 * table</em> (BAT, header offset 16), its number of entries (offset 28) and the block size
 * (offset 32, 2 MiB by default). The virtual disk is cut into blocks of that size, and each BAT
 * entry is the big-endian number of the sector where the block starts, or {@code 0xFFFFFFFF} when the
 * block was never written and reads as zeros. A stored block is a <em>sector bitmap</em> (one bit
 * per 512-byte sector of the block, padded to whole sectors) followed by the block's data.
 *
 * <p>A <em>differencing</em> disk is a dynamic disk laid over a <em>parent</em> image: a sector
 * whose bitmap bit is set is read from the child, every other sector from the parent, which may
 * itself be a differencing disk, so images form a <em>chain</em>
 * ({@link io.github.vhd4j.VhdImage#getChain()}). The child identifies its parent by the parent's
 * UUID (header offset 40), time stamp (offset 56) and file name (offset 64), and finds it through
 * up to eight <em>parent locators</em> ({@link io.github.vhd4j.ParentLocator}, from header offset
 * 576): a relative Windows path (platform code {@code W2ru}), an absolute one ({@code W2ku}) or a
 * file URL ({@code MacX}). A locator is data from the file, so it is not trusted: by default a
 * parent is opened only from the child's own directory, further directories are allowed through
 * {@link io.github.vhd4j.OpenOptions#withParentDirectories(java.util.List)}, and a
 * {@link io.github.vhd4j.ParentResolver} can replace the search altogether. The parent found must
 * have the UUID the child records; {@link io.github.vhd4j.VhdImage#getParentResolution()} tells
 * which locator found it, and a {@link io.github.vhd4j.ParentNotFoundException} lists every path
 * tried and why each was rejected. (For old Virtual PC chains whose UUIDs do not match,
 * {@link io.github.vhd4j.OpenOptions#withVerifyParentUuid(boolean)} accepts a parent of the
 * child's size instead.)
 *
 * <pre>{@code
 * int depth;
 * ParentResolution foundBy;
 * try (VhdImage image = Vhd.open(child, OpenOptions.defaults().withParentDirectories(List.of(bases)))) {
 *   depth = image.getChain().size();            // 2: the child and its parent
 *   foundBy = image.getParentResolution();      // the parent's path and the locator that named it
 * }
 * }</pre>
 *
 * <h2>Reading</h2>
 *
 * <p>{@link io.github.vhd4j.VhdImage#read(long, java.nio.ByteBuffer)} and
 * {@link io.github.vhd4j.VhdImage#readFully(long, java.nio.ByteBuffer)} read the virtual disk at
 * a position, through the whole chain, with unallocated ranges reading as zeros.
 *
 * <pre>{@code
 * ByteBuffer bootSector = ByteBuffer.allocate(Vhd.SECTOR_SIZE);
 * DiskType type;
 * long size;
 * try (VhdImage image = Vhd.open(disk)) {
 *   type = image.getDiskType();
 *   size = image.getSize();
 *   image.readFully(0, bootSector);
 * }
 * }</pre>
 *
 * <p>To read the whole disk in order, {@link io.github.vhd4j.VhdImage#newInputStream()} and
 * {@link io.github.vhd4j.VhdImage#newChannel()} give a stream or a channel with its own position;
 * closing them leaves the image open.
 *
 * <pre>{@code
 * MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
 * try (VhdImage image = Vhd.open(disk);
 *     InputStream in = new DigestInputStream(image.newInputStream(), sha256)) {
 *   in.transferTo(OutputStream.nullOutputStream());
 * }
 * byte[] digest = sha256.digest();
 * }</pre>
 *
 * <p>{@link io.github.vhd4j.VhdImage#map()} tells which ranges are stored and where, as runs
 * ({@link io.github.vhd4j.Extent}) merged like {@code qemu-img map} merges them;
 * {@link io.github.vhd4j.VhdImage#forEachExtent forEachExtent} streams them for very large disks.
 *
 * <pre>{@code
 * long stored = 0;
 * try (VhdImage image = Vhd.open(disk)) {
 *   for (Extent run : image.map()) {
 *     if (run.data()) {
 *       stored += run.length();   // held by chain level run.depth(), at run.fileOffset() in its file
 *     }
 *   }
 * }
 * }</pre>
 *
 * <h2>Any format</h2>
 *
 * <p>{@link io.github.vhd4j.DiskImage} is what every format vhd4j reads has in common: the
 * virtual size, positional reads, the allocation map, views, channels and streams, the warnings
 * and the layers of a chain. {@link io.github.vhd4j.DiskImages} works on a file of any format.
 * {@link io.github.vhd4j.DiskImages#probe(java.nio.file.Path) probe} tells what a file is from
 * its bytes: a VHD (when the footer cookie is where a footer belongs, since a damaged VHD is still
 * one), else the format whose signature it holds ({@link io.github.vhd4j.DiskFormat}: VHDX, QCOW2,
 * VMDK, VDI, ISO 9660), else raw. {@link io.github.vhd4j.DiskImages#open(java.nio.file.Path,
 * OpenOptions) open} and {@link io.github.vhd4j.DiskImages#check(java.nio.file.Path, CheckOptions)
 * check} open and check a VHD as {@link io.github.vhd4j.Vhd} does and a VHDX as
 * {@link io.github.vhd4j.Vhdx} does (the image is then a {@link io.github.vhd4j.VhdxImage}), and
 * refuse a file of a format vhd4j does not read with an
 * {@link io.github.vhd4j.UnsupportedFormatException} naming its format, where {@code Vhd.open}
 * would report a missing footer. Raw data, which has no signature, is reported as
 * {@code Vhd.open} reports it, by the footer it lacks.
 *
 * <pre>{@code
 * DiskFormat format = DiskImages.probe(unknown).format();   // DiskFormat.QCOW2 for a QCOW2 file
 * UnsupportedFormatException refused = null;
 * try (DiskImage image = DiskImages.open(unknown, OpenOptions.defaults())) {
 *   image.readFully(0, ByteBuffer.allocate(Vhd.SECTOR_SIZE));
 * } catch (UnsupportedFormatException e) {
 *   refused = e;   // getFormat(); the message names the format: "a QCOW2 image; vhd4j reads VHD and VHDX images (...)"
 * }
 * long size;
 * boolean vhd;
 * try (DiskImage image = DiskImages.open(disk, OpenOptions.defaults())) {
 *   size = image.getSize();
 *   vhd = image instanceof VhdImage;   // the format's own interface, with its structures
 * }
 * }</pre>
 *
 * <h2>Validation</h2>
 *
 * <p>Opening is strict by default: the first error-level {@link io.github.vhd4j.Problem} throws a
 * {@link io.github.vhd4j.VhdFormatException}, which names the structure, the field, its file
 * offset, and the expected and actual values, under a stable
 * {@link io.github.vhd4j.ProblemCode}. Lenient opening
 * ({@link io.github.vhd4j.OpenOptions#withLenient(boolean)}) accepts errors that leave the
 * content unambiguous, such as a wrong header checksum, and lists them in
 * {@link io.github.vhd4j.VhdImage#getWarnings()} with their severity kept at
 * {@link io.github.vhd4j.Severity#ERROR}; an image opened that way is read-only. Damage that would
 * make reads guess (a truncated fixed disk, an impossible block size) is refused in both modes.
 *
 * <pre>{@code
 * VhdFormatException refused = null;
 * try (VhdImage image = Vhd.open(damaged)) {
 *   image.readFully(0, ByteBuffer.allocate(Vhd.SECTOR_SIZE));
 * } catch (VhdFormatException e) {
 *   refused = e;   // getCode(), getStructure(), getField(), getFileOffset(), getExpected(), getActual()
 * }
 * List<Problem> accepted;
 * try (VhdImage image = Vhd.open(damaged, OpenOptions.defaults().withLenient(true))) {
 *   accepted = image.getWarnings();
 * }
 * }</pre>
 *
 * <p>{@link io.github.vhd4j.Vhd#check(java.nio.file.Path, CheckOptions)} never throws for format
 * problems: it reports all of them, for the image and its parents, in a
 * {@link io.github.vhd4j.ValidationReport}. A deep check ({@link CheckOptions#withDeep(boolean)})
 * also reads every block's bitmap and verifies that sectors whose bit is clear hold zeros.
 *
 * <pre>{@code
 * ValidationReport report = Vhd.check(damaged, CheckOptions.defaults().withDeep(true));
 * for (Problem problem : report.problems(Severity.ERROR)) {
 *   System.out.println(problem);   // error: header.checksum at offset 548 (0x224): expected ...
 * }
 * boolean valid = !report.hasErrors();
 * }</pre>
 *
 * <h2>Size policy</h2>
 *
 * <p>The footer's geometry (offset 56) and current size (offset 48) often disagree, because the
 * geometry's cylinders, heads and sectors per track can address only some sizes. Virtual PC takes
 * the geometry as the disk size, Hyper-V and Azure the current size, and QEMU chooses by the
 * creator application (footer offset 28). {@link io.github.vhd4j.SizePolicy} selects the rule:
 * {@link io.github.vhd4j.SizePolicy#AUTO} (the default) follows QEMU 10, so that vhd4j reads the
 * same bytes as {@code qemu-img}. {@link io.github.vhd4j.VhdImage#getSizeInfo()} returns a
 * {@link io.github.vhd4j.SizeInfo} with every recorded size and the one chosen. Reads never go past
 * the current size, whatever the policy. When creating images, {@link io.github.vhd4j.SizeMode}
 * decides the reverse: {@link io.github.vhd4j.SizeMode#CHS} rounds the requested size up until
 * geometry and current size agree (every reader then sees the same disk),
 * {@link io.github.vhd4j.SizeMode#EXACT} keeps it exactly.
 *
 * <pre>{@code
 * SizeInfo sizes;
 * try (VhdImage image = Vhd.open(disk, OpenOptions.defaults().withSizePolicy(SizePolicy.CURRENT_SIZE))) {
 *   sizes = image.getSizeInfo();
 * }
 * long fromGeometry = sizes.chsSize();   // what Virtual PC would read
 * long used = sizes.virtualSize();       // here the current size, sizes.currentSize()
 * }</pre>
 *
 * <h2>Creating and writing</h2>
 *
 * <p>{@link io.github.vhd4j.Vhd#create(java.nio.file.Path, CreateOptions)} makes a fixed disk (as
 * a sparse file), a dynamic disk with an empty table, or a differencing disk over an existing
 * image, and returns it open for writing. {@link io.github.vhd4j.OpenOptions#forWriting()} opens
 * an existing image for writing; only the top of a chain is ever written, its parents stay
 * read-only. {@link io.github.vhd4j.VhdImage#write(long, java.nio.ByteBuffer)} takes any
 * position and length inside the disk (partial sectors are completed from the current content)
 * and allocates a block only when it has to store something.
 *
 * <pre>{@code
 * Vhd.create(fixed, CreateOptions.fixed(64L << 20)).close();
 * Vhd.create(base, CreateOptions.dynamic(8L << 30).withBlockSize(512 << 10)).close();
 * try (VhdImage overlay = Vhd.create(child, CreateOptions.differencing(base))) {
 *   overlay.write(0, ByteBuffer.wrap(bootCode));   // stored in the child; base is not touched
 * }
 * }</pre>
 *
 * <pre>{@code
 * try (VhdImage image = Vhd.open(disk, OpenOptions.forWriting())) {
 *   image.write(1 << 20, ByteBuffer.wrap(data));
 *   image.flush();   // forces the data too, not only the new block's metadata
 * }
 * }</pre>
 *
 * <p>Metadata is always written in an order that leaves a valid image if the process dies: a new
 * block's data, and the footer moved behind it, are written before the BAT entry that points at
 * the block. {@link io.github.vhd4j.Durability} (set with
 * {@link io.github.vhd4j.OpenOptions#withDurability(Durability)}) decides what also survives a
 * power failure: {@link io.github.vhd4j.Durability#SYNC_ALLOCATIONS}, the default, forces each
 * allocation before the table points at it, so the image always opens with each sector's old or
 * new content; {@link io.github.vhd4j.Durability#ON_FLUSH} forces only on
 * {@link io.github.vhd4j.VhdImage#flush()} and close, the fastest way to fill a new image;
 * {@link io.github.vhd4j.Durability#NONE} forces only on an explicit flush.
 *
 * <h2>Converting</h2>
 *
 * <p>{@link io.github.vhd4j.Vhd#convertRaw} turns a raw disk image into a fixed or dynamic VHD,
 * and {@link io.github.vhd4j.Vhd#convert} copies an open image (a whole differencing chain
 * flattens into one file) into a new fixed or dynamic one. Only stored ranges are read, and
 * all-zero blocks are not stored in a dynamic target. The target's size comes from the source; the
 * size given to the factory is ignored.
 *
 * <pre>{@code
 * Vhd.convertRaw(raw, disk, CreateOptions.dynamic(0), ProgressListener.none());
 * try (VhdImage chain = Vhd.open(child)) {
 *   Vhd.convert(chain, flat, CreateOptions.fixed(0).withSizeMode(SizeMode.EXACT),
 *       (done, total) -> System.out.println(done + " of " + total + " bytes"));
 * }
 * }</pre>
 *
 * <p>{@link io.github.vhd4j.DiskImages#convertToRaw} writes the guest bytes of any
 * {@link io.github.vhd4j.DiskImage}, a whole chain included, into a new sparse raw file, as
 * {@code qemu-img convert -O raw} does. The file is forced to the device once, when complete,
 * unless the durability is {@link io.github.vhd4j.Durability#NONE}.
 * {@link io.github.vhd4j.DiskImages#convertRawToRaw} copies a raw file or stream the same way, and
 * {@link io.github.vhd4j.DiskImages#copyTo} writes a range of guest bytes in order, zeros included,
 * to any channel (a pipe, a device).
 *
 * <pre>{@code
 * try (DiskImage image = DiskImages.open(disk)) {
 *   DiskImages.convertToRaw(image, raw, Durability.SYNC_ALLOCATIONS, ProgressListener.none());
 * }
 * }</pre>
 *
 * <h2>Maintenance</h2>
 *
 * <p>These methods work on a file that nothing else has open: each one holds its image exclusively
 * while it runs, and throws {@link io.github.vhd4j.ImageInUseException}, changing nothing, when
 * another process (QEMU, another vhd4j) or another writer of this process uses it (see
 * <a href="#locking">Files and locking</a>). Each one forces its steps in an order that keeps the
 * image valid, so an interrupted run leaves an image that still opens and can simply be run again.
 *
 * <p>{@link io.github.vhd4j.Vhd#commit} writes everything a differencing disk stores into its
 * parent, and returns the parent's path; the child is left as it was.
 *
 * <pre>{@code
 * Path parent = Vhd.commit(child, OpenOptions.defaults(), ProgressListener.none());
 * }</pre>
 *
 * <p>{@link io.github.vhd4j.Vhd#resize} changes the virtual size (footer offsets 40 and 48, and
 * the geometry); a dynamic disk's table grows in place or moves behind the last block. Shrinking is
 * refused when it would cut stored data.
 *
 * <pre>{@code
 * long newSize = Vhd.resize(disk, 16L << 30, SizeMode.EXACT);
 * }</pre>
 *
 * <p>An interrupted resize leaves an image that opens, in vhd4j, qemu-img, 7-Zip and libvhdi, with
 * its old or new size and its content intact up to the smaller one; running the resize again
 * completes it. Meanwhile the readers may disagree on which of the two sizes it has (the ones that
 * read the footer copy at offset 0 see the new size first, or last), which
 * {@link io.github.vhd4j.Vhd#check} reports; two windows show more: a fixed disk grown but
 * interrupted before its old footer is cleared shows that footer's 512 bytes at the old end, inside
 * the new space, and 7-Zip, while a growth that moves the table is interrupted between its two
 * footer writes, extracts the new disk but reports that it cannot find the footer. On a block
 * device, where the footer is rewritten in place, 7-Zip reports the missing footer between the two
 * footer writes of any resize.
 *
 * <p>{@link io.github.vhd4j.Vhd#compact} unallocates the blocks of a dynamic disk that hold only
 * zeros, moves the last blocks into the holes and shortens the file.
 *
 * <pre>{@code
 * long freed = Vhd.compact(disk, ProgressListener.none());   // bytes the file shrank by
 * }</pre>
 *
 * <p>{@link io.github.vhd4j.Vhd#repair} fixes what needs no guessing: a lost or damaged footer
 * (from the copy at offset 0, or the other way round), checksums that are wrong while every field
 * is valid, and BAT entries that point outside the file. A dry run lists the changes without
 * writing anything.
 *
 * <pre>{@code
 * List<RepairAction> planned = Vhd.planRepair(damaged);   // dry run
 * List<RepairAction> made = Vhd.repair(damaged);
 * }</pre>
 *
 * <h2>Storage</h2>
 *
 * <p>Files are read with positional {@link java.nio.channels.FileChannel} reads by default
 * ({@link io.github.vhd4j.StorageMode#FILE_CHANNEL}). With the {@code vhd4j-mmap} module on the
 * class path, {@link io.github.vhd4j.StorageMode#MAPPED} maps each file once and reads become
 * memory copies (see {@code io.github.vhd4j.mmap}). The choice is a setting, not a dependency of
 * the code: without the module, or when a file cannot be mapped, the image is read through a file
 * channel and a {@link io.github.vhd4j.ProblemCode#STORAGE_FALLBACK} warning says why. Images
 * opened for writing always use a file channel. Images can also be opened from a
 * {@link java.nio.channels.SeekableByteChannel} or a {@link java.nio.ByteBuffer} the caller owns.
 *
 * <pre>{@code
 * ByteBuffer bootSector = ByteBuffer.allocate(Vhd.SECTOR_SIZE);
 * boolean fellBack;
 * try (VhdImage image = Vhd.open(disk, OpenOptions.defaults().withStorage(StorageMode.MAPPED))) {
 *   image.readFully(0, bootSector);
 *   fellBack = image.getWarnings().stream().anyMatch(p -> p.code() == ProblemCode.STORAGE_FALLBACK);
 * }
 * }</pre>
 *
 * <h2 id="locking">Files and locking</h2>
 *
 * <p>Image files are locked in the bytes QEMU locks, so that QEMU and vhd4j (and two vhd4j
 * processes) see each other: a writer (a writable image, a new image, a conversion's output, the
 * maintenance methods) holds its file exclusively and fails with
 * {@link io.github.vhd4j.ImageInUseException} when another process uses it; a reader holds a shared
 * lock, so that QEMU cannot start writing meanwhile, and when another process already writes the
 * file it opens anyway with a {@link io.github.vhd4j.ProblemCode#IMAGE_IN_USE} warning. Each file
 * is opened once per process however many images use it, because the kernel drops a process's
 * locks on a file when it closes any descriptor of it: code outside vhd4j that opens and closes an
 * image file in the same process drops them. {@link io.github.vhd4j.OpenOptions#withLocking}
 * turns locking off, at the risk of another program corrupting what vhd4j changes. No locks are
 * taken on Windows, nor on channels and buffers the caller passes.
 *
 * <p>An image path must name a regular file or a block device; a FIFO, socket, character device
 * or directory is refused before it is opened ({@link java.nio.file.FileSystemException}, whose
 * reason names the kind). A file that another program cuts shorter while a mapped image reads it
 * makes the read fail with a {@link io.github.vhd4j.VhdException} naming the file and its new
 * length.
 *
 * <h2>Threads</h2>
 *
 * <p>An open {@link io.github.vhd4j.VhdImage} may be shared: any number of threads may read and
 * write it at once (writes to different blocks proceed in parallel, and a reader sees each
 * sector's old or new content), and map it. Each stream or channel from
 * {@link io.github.vhd4j.VhdImage#newInputStream()} or {@link io.github.vhd4j.VhdImage#newChannel()}
 * has one position, so give each thread its own. After close, reads fail with
 * {@link java.lang.IllegalStateException} (mapped storage first waits for the reads in flight, so
 * none touches unmapped memory). The option records, the metadata records
 * and the reports are immutable. A {@link io.github.vhd4j.ProgressListener} is called by one
 * thread at a time, not always the same one.
 */
@NullMarked
package io.github.vhd4j;

import org.jspecify.annotations.NullMarked;
