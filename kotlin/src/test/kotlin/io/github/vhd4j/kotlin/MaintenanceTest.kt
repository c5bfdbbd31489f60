package io.github.vhd4j.kotlin

import io.github.vhd4j.CheckOptions
import io.github.vhd4j.CreateOptions
import io.github.vhd4j.DiskImages
import io.github.vhd4j.DiskType
import io.github.vhd4j.Durability
import io.github.vhd4j.OpenOptions
import io.github.vhd4j.ParentNotFoundException
import io.github.vhd4j.ProblemCode
import io.github.vhd4j.ProgressListener
import io.github.vhd4j.Severity
import io.github.vhd4j.SizeMode
import io.github.vhd4j.UnsupportedVhdFeatureException
import io.github.vhd4j.Vhd
import io.github.vhd4j.VhdFormatException
import io.github.vhd4j.testing.TestImage
import java.io.ByteArrayInputStream
import java.io.ByteArrayOutputStream
import java.nio.ByteBuffer
import java.nio.channels.Channels
import java.nio.file.Files
import java.nio.file.Path
import kotlin.random.Random
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * Convert, export, compact, commit, resize and repair from Kotlin: progress as a trailing lambda,
 * results as plain values, refusals as typed exceptions.
 */
internal class MaintenanceTest {
  @TempDir
  lateinit var dir: Path

  private val block = 64L shl 10

  /** Records every progress report and checks the listener contract on the way. */
  private class Progress {
    val reports = mutableListOf<Pair<Long, Long>>()

    fun record(done: Long, total: Long) {
      check(done in (reports.lastOrNull()?.first ?: 0L)..total) { "$done of $total after $reports" }
      reports += done to total
    }

    val last: Pair<Long, Long> get() = reports.last()
  }

  private fun content(path: Path, options: OpenOptions = OpenOptions.defaults()): ByteArray =
    Vhd.open(path, options).use { image -> image.newInputStream().use { it.readBytes() } }

  @Test
  fun shouldConvertRawFilesBothWaysWithTrailingLambdas() {
    val raw = dir.resolve("disk.raw")
    val bytes = ByteArray((3 * block).toInt()).also { Random(1).nextBytes(it, 1000, 5000) }
    Files.write(raw, bytes)

    val dynamic = dir.resolve("disk.vhd")
    val progress = Progress()
    Vhd.convertRaw(raw, dynamic, CreateOptions.dynamic(0).withBlockSize(block).withSizeMode(SizeMode.EXACT)) {
        done, total -> progress.record(done, total)
    }
    assertEquals(3 * block to 3 * block, progress.last)
    Vhd.open(dynamic).use { image ->
      assertEquals(DiskType.DYNAMIC, image.diskType)
      assertEquals(3 * block, image.size)
      assertEquals(1, image.map().count { it.data }, "only the block holding non-zero bytes is stored")
    }
    assertContentEquals(bytes, content(dynamic))

    val exported = dir.resolve("exported.raw")
    var lastDone = -1L
    Vhd.open(dynamic).use { image ->
      DiskImages.convertToRaw(image, exported, Durability.NONE) { done, _ -> lastDone = done }
    }
    assertEquals(3 * block, lastDone)
    assertContentEquals(bytes, Files.readAllBytes(exported))

    val copy = dir.resolve("copy.raw")
    val copied = Progress()
    DiskImages.convertRawToRaw(exported, copy, Durability.SYNC_ALLOCATIONS, copied::record)
    assertEquals(3 * block to 3 * block, copied.last)
    assertContentEquals(bytes, Files.readAllBytes(copy))

    // The target must not exist; a failed conversion leaves nothing behind.
    assertFailsWith<java.nio.file.FileAlreadyExistsException> {
      DiskImages.convertRawToRaw(exported, copy, Durability.NONE, ProgressListener.none())
    }
    assertFailsWith<IllegalArgumentException> {
      Vhd.open(dynamic).use { image ->
        Vhd.convert(image, dir.resolve("child.vhd"), CreateOptions.differencing(dynamic), ProgressListener.none())
      }
    }
    assertFalse(Files.exists(dir.resolve("child.vhd")))
  }

  @Test
  fun shouldStreamRawBytesInAndCopyGuestBytesOutInOrder() {
    val bytes = ByteArray((5 * block + 100).toInt()).also { Random(2).nextBytes(it, 70_000, 140_000) }
    // A stream: read once, in order, its length unknown until it ends.
    val dynamic = dir.resolve("piped.vhd")
    val progress = mutableListOf<Pair<Long, Long>>()
    Channels.newChannel(ByteArrayInputStream(bytes)).use { pipe ->
      Vhd.convertRaw(pipe, dynamic, CreateOptions.dynamic(0).withBlockSize(block).withSizeMode(SizeMode.EXACT)) {
          done, total -> progress += done to total
      }
    }
    assertEquals(bytes.size.toLong() to bytes.size.toLong(), progress.last())
    assertTrue(progress.dropLast(1).all { it.second == -1L }, "the total is unknown until the end: $progress")
    Vhd.open(dynamic).use { image ->
      assertEquals(5 * block + 512, image.size, "the length read, rounded up to a sector")
      assertEquals(listOf(block to 2 * block, 2 * block to 3 * block),
        image.map().filter { it.data }.map { it.start to it.end() },
        "only blocks 1 and 2 are stored")
      // Every byte, zeros included, in order: what a pipe or a device needs.
      val out = ByteArrayOutputStream()
      val written = Channels.newChannel(out).use { sink ->
        DiskImages.copyTo(image, 1000, image.size, sink) { done, total -> check(done <= total) }
      }
      assertEquals(image.size - 1000, written, "the range is cut at the end of the disk")
      assertContentEquals(bytes.copyOfRange(1000, bytes.size), out.toByteArray().copyOf(bytes.size - 1000))
    }

    val raw = dir.resolve("piped.raw")
    Channels.newChannel(ByteArrayInputStream(bytes)).use { pipe ->
      DiskImages.convertRawToRaw(pipe, raw, Durability.NONE, ProgressListener.none())
    }
    assertContentEquals(bytes, Files.readAllBytes(raw))
    val unlocked = dir.resolve("piped-unlocked.raw")
    Channels.newChannel(ByteArrayInputStream(bytes)).use { pipe ->
      DiskImages.convertRawToRaw(pipe, unlocked, OpenOptions.defaults().withLocking(false)) { done, _ ->
        check(done >= 0)
      }
    }
    assertContentEquals(bytes, Files.readAllBytes(unlocked))
  }

  @Test
  fun shouldCompactWhatWasWrittenBackToZeros() {
    val path = dir.resolve("c.vhd")
    Vhd.create(path, CreateOptions.dynamic(8 * block).withBlockSize(block).withSizeMode(SizeMode.EXACT)).use { disk ->
      for (b in 0 until 8) {
        disk.write(b * block, ByteBuffer.wrap(ByteArray(512) { (b + 1).toByte() }))
      }
      for (b in 0 until 8 step 2) {
        disk.write(b * block, ByteBuffer.wrap(ByteArray(512)))
      }
    }
    val before = content(path)
    val length = Files.size(path)
    val progress = Progress()
    val saved = Vhd.compact(path) { done, total -> progress.record(done, total) }
    assertEquals(4 * (block + 512), saved, "four blocks and their bitmaps")
    assertEquals(length - saved, Files.size(path))
    assertEquals(progress.last.second, progress.last.first)
    assertContentEquals(before, content(path))
    assertEquals(0L, Vhd.compact(path, ProgressListener.none()), "nothing left to reclaim")

    val fixed = dir.resolve("fixed.vhd")
    Vhd.create(fixed, CreateOptions.fixed(1L shl 20)).close()
    val refused = assertFailsWith<UnsupportedVhdFeatureException> { Vhd.compact(fixed, ProgressListener.none()) }
    assertEquals(fixed.toString(), refused.resource)
  }

  @Test
  fun shouldCommitAChildAndReturnItsParent() {
    val parents = Files.createDirectory(dir.resolve("parents"))
    val base = parents.resolve("base.vhd")
    Vhd.create(base, CreateOptions.dynamic(4 * block).withBlockSize(block).withSizeMode(SizeMode.EXACT)).use {
      it.write(0, ByteBuffer.wrap(ByteArray((2 * block).toInt()) { 0x11 }))
    }
    val child = Files.createDirectory(dir.resolve("work")).resolve("child.vhd")
    Vhd.create(child, CreateOptions.differencing(base)).use {
      it.write(block - 100, ByteBuffer.wrap(ByteArray(200) { 0x22 }))
    }
    // The parent lies outside the child's directory: only an allowed directory lets the chain open.
    assertFailsWith<ParentNotFoundException> { Vhd.open(child) }
    val chain = OpenOptions.defaults().withParentDirectories(listOf(parents))
    val expected = content(child, chain)

    var reports = 0
    val parent = Vhd.commit(child, chain) { done, total ->
      reports++
      assertTrue(done <= total)
    }
    assertEquals(base.toRealPath(), parent.toRealPath())
    assertTrue(reports > 0)
    assertContentEquals(expected, content(base), "the parent holds the child's sectors now")
    assertContentEquals(expected, content(child, chain), "and the child still reads the same")

    val notAChild = assertFailsWith<UnsupportedVhdFeatureException> {
      Vhd.commit(base, OpenOptions.defaults(), ProgressListener.none())
    }
    assertTrue(notAChild.message.orEmpty().isNotEmpty())
  }

  @Test
  fun shouldResizeAndRefuseToCutData() {
    val path = dir.resolve("r.vhd")
    Vhd.create(path, CreateOptions.dynamic(4 * block).withBlockSize(block).withSizeMode(SizeMode.EXACT)).use {
      it.write(block, ByteBuffer.wrap(ByteArray(512) { 7 }))
    }
    assertEquals(16 * block, Vhd.resize(path, 16 * block, SizeMode.EXACT))
    Vhd.open(path).use { assertEquals(16 * block, it.size) }
    assertEquals(2 * block, Vhd.resize(path, 2 * block, SizeMode.EXACT), "the end stores nothing")
    assertFailsWith<java.io.IOException> { Vhd.resize(path, block, SizeMode.EXACT) }
    Vhd.open(path).use { assertEquals(2 * block, it.size, "a refused shrink changes nothing") }
    val chs = Vhd.resize(path, 5_000_000, SizeMode.CHS)
    assertTrue(chs >= 5_000_000, "CHS rounds up: $chs")
    assertFailsWith<IllegalArgumentException> { Vhd.resize(path, 1000, SizeMode.EXACT) }
  }

  @Test
  fun shouldRepairALostFooterAfterADryRun() {
    val source = TestImage.dynamic(4 * block, block).fill(100, 5000, 0x42)
    source.tailFooter = false
    val path = source.writeTo(dir.resolve("lost.vhd"))
    val strict = assertFailsWith<VhdFormatException> {
      Vhd.open(path, OpenOptions.defaults().withFooterRecovery(false))
    }
    assertEquals("footer", strict.structure)
    Vhd.open(path).use { image ->
      assertTrue(image.warnings.any { it.code == ProblemCode.FOOTER_HEAD_COPY_USED }, "${image.warnings}")
    }

    val before = Files.readAllBytes(path)
    val planned = Vhd.planRepair(path)
    assertContentEquals(before, Files.readAllBytes(path), "a dry run changes nothing")
    assertEquals("footer", planned.last().structure)
    assertTrue(planned.last().description.isNotEmpty())
    assertTrue(planned.last().offset > 0)
    assertEquals(planned, Vhd.repair(path))
    assertTrue(Vhd.repair(path).isEmpty(), "a repaired image needs nothing more")
    Vhd.open(path, OpenOptions.defaults().withFooterRecovery(false)).use { image ->
      assertTrue(image.warnings.none { it.severity != Severity.INFO }, "${image.warnings}")
      assertContentEquals(source.expectedContent(), image.newInputStream().use { it.readBytes() })
    }
  }

  @Test
  fun shouldCreateForAzureAndCheckItsRules() {
    val azure = dir.resolve("azure.vhd")
    Vhd.create(azure, CreateOptions.azure(20L shl 20)).use { disk ->
      assertEquals(DiskType.FIXED, disk.diskType)
      assertEquals(20L shl 20, disk.size)
      assertEquals(20L shl 20, disk.footer.currentSize)
    }
    assertFalse(Vhd.check(azure, CheckOptions.defaults().withAzure(true)).hasErrors())

    val dynamic = dir.resolve("dynamic.vhd")
    Vhd.create(dynamic, CreateOptions.dynamic(20L shl 20)).close()
    val report = Vhd.check(dynamic, CheckOptions.defaults().withAzure(true))
    assertTrue(ProblemCode.AZURE_INCOMPATIBLE in report)
    assertFalse(ProblemCode.AZURE_INCOMPATIBLE in Vhd.check(dynamic))
  }
}
