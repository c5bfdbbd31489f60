package io.github.vhd4j.kotlin

import io.github.vhd4j.CheckOptions
import io.github.vhd4j.DiskFormat
import io.github.vhd4j.DiskImage
import io.github.vhd4j.DiskImages
import io.github.vhd4j.Extent
import io.github.vhd4j.OpenOptions
import io.github.vhd4j.ProbeResult
import io.github.vhd4j.ProblemCode
import io.github.vhd4j.Severity
import io.github.vhd4j.UnsupportedFormatException
import io.github.vhd4j.VhdFormatException
import io.github.vhd4j.VhdImage
import io.github.vhd4j.testing.ForeignImages
import io.github.vhd4j.testing.MemoryChannel
import io.github.vhd4j.testing.TestImage
import java.nio.ByteBuffer
import java.nio.channels.FileChannel
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardOpenOption
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNull
import kotlin.test.assertSame
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The format-neutral API from Kotlin: [DiskImages] probes, opens and checks, and a [DiskImage]
 * reads, maps and walks its chain, each member typed by its JSpecify annotations (strict mode).
 */
internal class DiskImagesTest {
  @TempDir
  lateinit var dir: Path

  private val mib = 1L shl 20

  @Test
  fun shouldProbeEachFormatAndRefuseTheOnesNotRead() {
    val qcow = Files.write(dir.resolve("x.qcow2"), ForeignImages.qcow2(mib))
    val vhdx = Files.write(dir.resolve("x.vhdx"), ForeignImages.vhdx())
    val vhd = TestImage.fixed(mib).writeTo(dir.resolve("f.vhd"))

    val found: ProbeResult = DiskImages.probe(qcow)
    nonNull(staticType(found))
    nonNull(staticType(found.format))
    assertEquals(ProbeResult(qcow.toString(), DiskFormat.QCOW2, Files.size(qcow)), found)
    assertEquals(qcow.toString(), found.resource)
    assertEquals(Files.size(qcow), found.length)
    assertFalse(found.isReadable)
    assertEquals(DiskFormat.VHD, DiskImages.probe(vhd, OpenOptions.defaults().withLocking(false)).format)
    assertTrue(DiskImages.probe(vhd).isReadable)

    val refused = assertFailsWith<UnsupportedFormatException> { DiskImages.open(qcow) }
    assertEquals(DiskFormat.QCOW2, refused.format)
    assertEquals("a QCOW2 image; vhd4j reads VHD and VHDX images ($qcow)", refused.message)
    // A VHDX is read: this one is only a file type identifier, too short to be a VHDX file.
    assertEquals(ProblemCode.VHDX_FILE_TOO_SMALL,
      assertFailsWith<VhdFormatException> { DiskImages.open(vhdx) }.code)
    assertEquals(DiskFormat.VHDX, DiskImages.probe(vhdx).format)
    assertEquals(ProblemCode.VHDX_FILE_TOO_SMALL, DiskImages.check(vhdx).problems.first().code)
    assertEquals(ProblemCode.VHDX_FILE_TOO_SMALL,
      DiskImages.check(vhdx, CheckOptions.defaults()).problems.first().code)
    assertEquals(DiskFormat.ISO, UnsupportedFormatException(DiskFormat.ISO, "cd.iso").format)

    // Every format names itself for messages; VHD and VHDX are read.
    val described = DiskFormat.values().associate { it.displayName() to it.description() }
    assertEquals("an ISO 9660 image", described["ISO 9660"])
    assertEquals(listOf(DiskFormat.VHD, DiskFormat.VHDX), DiskFormat.values().filter { it.isReadable })
  }

  @Test
  fun shouldReportRawDataByTheMissingFooter() {
    val raw = Files.write(dir.resolve("zeros.img"), ByteArray(4096))
    assertEquals(DiskFormat.RAW, DiskImages.probe(raw).format)
    val e = assertFailsWith<VhdFormatException> { DiskImages.open(raw, OpenOptions.defaults()) }
    assertEquals(ProblemCode.FOOTER_COOKIE, e.code)
    var calls = 0
    val report = DiskImages.check(raw, CheckOptions.defaults()) { _, _ -> calls++ }
    assertEquals(ProblemCode.FOOTER_COOKIE, report.problems.first().code)
  }

  @Test
  fun shouldReadAChainThroughDiskImage() {
    val block = 512L * 1024
    val base = TestImage.dynamic(2 * mib, block).random(0, 200_000, 1)
    base.writeTo(dir.resolve("base.vhd"))
    val child = TestImage.differencing(base, "base.vhd", block).random(100_000, 30_000, 2)
    val path = child.writeTo(dir.resolve("child.vhd"))
    val expected = child.expectedContent(base.expectedContent())

    val image: DiskImage = DiskImages.open(path, OpenOptions.defaults())
    image.use {
      nullable(staticType(image.parent))
      nullable(staticType(image.path))
      nullable(staticType(image.view(0, 512)))
      nonNull(staticType(image.format))
      nonNull(staticType(image.resource))
      nonNull(staticType(image.sizeInfo))
      nonNull(staticType(image.layers))
      nonNull(staticType(image.warnings))
      nonNull(staticType(image.map()))
      nonNull(staticType(image.newChannel()))
      nonNull(staticType(image.newInputStream()))

      assertIs<VhdImage>(image)
      assertEquals(DiskFormat.VHD, image.format)
      assertEquals(path.toString(), image.resource)
      assertEquals(path, image.path)
      assertEquals(2 * mib, image.size)
      assertEquals(Files.size(path), image.fileSize)
      assertEquals(image.size, image.sizeInfo.virtualSize)
      assertTrue(image.warnings.all { it.severity == Severity.INFO }, "${image.warnings}")

      val chain: List<DiskImage> = image.layers
      assertEquals(2, chain.size)
      val parent = image.parent ?: error("a differencing disk without parent")
      assertSame(chain[1], parent)
      assertEquals(dir.resolve("base.vhd"), parent.path)

      val whole = ByteBuffer.allocate(expected.size)
      image.readFully(0, whole)
      assertContentEquals(expected, whole.array())
      val some = ByteBuffer.allocate(100)
      assertEquals(100, image.read(100_000, some))
      assertContentEquals(expected.copyOfRange(100_000, 100_100), some.array())
      assertContentEquals(expected, image.newInputStream().use { it.readBytes() })
      image.newChannel().use { assertEquals(2 * mib, it.size()) }
      // A file channel lends no memory; mapped storage would.
      image.view(0, 512)?.let { view ->
        assertContentEquals(expected.copyOf(512), ByteArray(512).also { view.get(it) })
      }

      val runs = mutableListOf<Extent>()
      image.forEachExtent(0, image.size) { runs += it }
      assertEquals(image.map(), runs)
      val firstHalf = image.map(0, mib)
      assertEquals(0, firstHalf.first().start)
      assertEquals(mib, firstHalf.sumOf { it.length })
      parent.close()
    }
    assertFailsWith<IllegalStateException> { image.read(0, ByteBuffer.allocate(1)) }
  }

  @Test
  fun shouldProbeAndOpenChannels() {
    val vhd = TestImage.fixed(mib).random(0, 4096, 3).writeTo(dir.resolve("c.vhd"))
    FileChannel.open(vhd, StandardOpenOption.READ).use { channel ->
      assertEquals(DiskFormat.VHD, DiskImages.probe(channel, "disk").format)
      DiskImages.open(channel, "disk", OpenOptions.defaults()).use { image ->
        assertEquals("disk", image.resource)
        assertNull(image.path)
      }
    }
    val qcow = MemoryChannel(ForeignImages.qcow2(mib), 512)
    assertEquals(DiskFormat.QCOW2, DiskImages.probe(qcow, "q").format)
    assertFailsWith<UnsupportedFormatException> {
      DiskImages.open(MemoryChannel(ForeignImages.qcow2(mib), 512), "q", OpenOptions.defaults())
    }
  }
}
