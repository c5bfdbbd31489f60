package consumer

import io.github.vhd4j.CheckOptions
import io.github.vhd4j.CreateOptions
import io.github.vhd4j.DiskType
import io.github.vhd4j.ProblemCode
import io.github.vhd4j.SizeMode
import io.github.vhd4j.Vhd
import io.github.vhd4j.VhdException
import io.github.vhd4j.VhdFormatException
import io.github.vhd4j.mmap.MappedStorage
import java.nio.ByteBuffer
import java.nio.file.Files
import java.nio.file.Path
import java.util.UUID
import java.util.zip.CRC32
import kotlin.reflect.KType
import kotlin.reflect.typeOf

/** The type the compiler inferred for an expression: `T?` for `@Nullable`, never a platform type `T!`. */
inline fun <reified T> staticType(@Suppress("UNUSED_PARAMETER") value: T): KType = typeOf<T>()

private fun crc(bytes: ByteArray): Long = CRC32().apply { update(bytes) }.value

/**
 * Creates a dynamic disk, writes it, reads it back, checks it, converts it to a fixed disk and to a
 * raw file, and reads those through memory mapping and from Java. Throws on any wrong result.
 *
 * @param args the directory to work in; a new temporary one when absent
 */
fun main(args: Array<String>) {
  val dir = args.firstOrNull()?.let { Path.of(it) } ?: Files.createTempDirectory("vhd4j-consumer")
  val size = 8L shl 20
  val uuid = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
  val payload = ByteArray(300_000) { (it * 31 % 253).toByte() }
  val at = 1L shl 20

  val dynamic = dir.resolve("dynamic.vhd")
  val options = CreateOptions.dynamic(size).withBlockSize(512L shl 10).withSizeMode(SizeMode.EXACT).withUniqueId(uuid)
  Vhd.create(dynamic, options).use { disk ->
    check(disk.isWritable) { "a new disk is writable" }
    disk.write(at, ByteBuffer.wrap(payload))
  }

  val expected = ByteArray(size.toInt()).also { payload.copyInto(it, at.toInt()) }
  Vhd.open(dynamic).use { image ->
    check(image.size == size) { "size ${image.size}" }
    check(image.footer.diskType == DiskType.DYNAMIC) { "type ${image.footer.diskType}" }
    check(image.footer.uniqueId == uuid) { "uuid ${image.footer.uniqueId}" }
    check(image.dynamicHeader?.blockSize == 512L shl 10) { "block size ${image.dynamicHeader?.blockSize}" }
    check(image.parent == null && image.chain == listOf(image)) { "a dynamic disk has no parent" }
    val all = ByteBuffer.allocate(image.size.toInt())
    image.readFully(0, all)
    check(all.array().contentEquals(expected)) { "content differs" }
    val stored = image.map().filter { it.data }.sumOf { it.length }
    check(stored == 512L shl 10) { "one 512 KiB block should be stored, not $stored bytes" }

    // The nullness annotations travel with the published jars: no platform types.
    check(staticType(image.path).isMarkedNullable) { "path should be nullable" }
    check(staticType(image.dynamicHeader).isMarkedNullable) { "dynamicHeader should be nullable" }
    for (type in listOf(staticType(image.footer), staticType(image.chain), staticType(image.warnings))) {
      check(!type.isMarkedNullable && '!' !in type.toString()) { "$type should be non-null" }
    }
  }

  val report = Vhd.check(dynamic, CheckOptions.defaults().withDeep(true))
  check(!report.hasErrors() && report.deep) { "check: ${report.problems}" }

  val fixed = dir.resolve("fixed.vhd")
  var last = 0L
  Vhd.open(dynamic).use { image ->
    Vhd.convert(image, fixed, CreateOptions.fixed(0).withSizeMode(SizeMode.EXACT)) { done, total ->
      check(done in last..total) { "progress went from $last to $done of $total" }
      last = done
    }
  }
  check(last == size) { "the last progress report was $last" }
  Vhd.open(fixed, MappedStorage.options()).use { image ->
    check(image.diskType == DiskType.FIXED && image.size == size) { "${image.diskType} ${image.size}" }
    val bytes = image.newInputStream().use { it.readBytes() }
    check(bytes.contentEquals(expected)) { "the fixed copy differs" }
    // A mapped, read-only image hands out zero-copy views of what it stores contiguously.
    val view = image.view(at, 4096) ?: error("no view of a mapped fixed disk")
    check(view.remaining() == 4096 && view.get(0) == payload[0]) { "view $view" }
    check(MappedStorage.isUnmapSupported()) { "a standard JDK unmaps on close" }
  }

  // The Java side of the same artifacts.
  check(JavaConsumer.crc(fixed) == crc(expected)) { "Java read another content" }
  check(JavaConsumer.errors(fixed) == 0) { "Java found errors" }
  val raw = dir.resolve("disk.raw")
  val progress = JavaConsumer.toRaw(dynamic, raw)
  check(progress.toList() == listOf(size, size)) { "raw progress ${progress.toList()}" }
  check(Files.readAllBytes(raw).contentEquals(expected)) { "the raw copy differs" }

  // Typed exceptions: a raw file is not a VHD.
  val verdict = try {
    Vhd.open(raw).use { "opened ${it.size}" }
  } catch (e: VhdException) {
    when (e) {
      is VhdFormatException -> e.code
      else -> e.resource
    }
  }
  check(verdict == ProblemCode.FOOTER_COOKIE) { "opening a raw file gave $verdict" }

  println("vhd4j consumer: ok in $dir")
}
