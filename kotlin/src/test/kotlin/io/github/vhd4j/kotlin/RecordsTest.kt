package io.github.vhd4j.kotlin

import io.github.vhd4j.DiskType
import io.github.vhd4j.DynamicHeader
import io.github.vhd4j.Extent
import io.github.vhd4j.Footer
import io.github.vhd4j.Geometry
import io.github.vhd4j.ParentCandidate
import io.github.vhd4j.ParentLocator
import io.github.vhd4j.ParentResolution
import io.github.vhd4j.Problem
import io.github.vhd4j.ProblemCode
import io.github.vhd4j.RepairAction
import io.github.vhd4j.Severity
import io.github.vhd4j.SizeInfo
import io.github.vhd4j.SizePolicy
import io.github.vhd4j.SizeSource
import io.github.vhd4j.ValidationReport
import io.github.vhd4j.Vhd
import io.github.vhd4j.testing.TestImage
import java.nio.file.Path
import java.time.Instant
import java.util.UUID
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotEquals
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The format records as Kotlin sees them: built with their constructors (in a test double, say),
 * read as properties, compared by value, their derived values computed from what they were given.
 */
internal class RecordsTest {
  @TempDir
  lateinit var dir: Path

  private val uuid = UUID.fromString("01234567-89ab-cdef-0123-456789abcdef")

  private fun footer(savedState: Int = 0, geometry: Geometry = Geometry(1024, 16, 63)) = Footer(
    2, 0x00010000, 512, 0x2B000000, "win ", 0x000A0000, "Wi2k", 8L shl 20, 8L shl 20, geometry,
    DiskType.DYNAMIC, 0xFFFFEC32L, uuid, savedState)

  @Test
  fun shouldBuildAFooterAndDeriveItsValues() {
    val footer = footer()
    assertEquals(2L, footer.features)
    assertEquals(0x00010000L, footer.formatVersion)
    assertEquals(512L, footer.dataOffset)
    assertEquals(0x2B000000L, footer.timestamp)
    assertEquals(Instant.ofEpochSecond(Footer.VHD_EPOCH_SECONDS + 0x2B000000L), footer.timestampInstant())
    assertEquals("2000-01-01T00:00:00Z", footer.copy(timestamp = 0).timestampInstant().toString())
    assertEquals("win ", footer.creatorApplication)
    assertEquals(0x000A0000L, footer.creatorVersion)
    assertEquals("10.0", footer.creatorVersionString())
    assertEquals("Wi2k", footer.creatorHostOs)
    assertEquals(footer.originalSize, footer.currentSize)
    assertEquals(0xFFFFEC32L, footer.checksum)
    assertEquals(DiskType.DYNAMIC, footer.diskType)
    assertEquals(uuid, footer.uniqueId)
    assertEquals(0, footer.savedState)
    assertFalse(footer.isSavedState)
    assertTrue(footer(savedState = 1).isSavedState)
    // Records compare by value, like data classes.
    assertEquals(footer(), footer)
    assertNotEquals(footer(savedState = 1), footer)
  }

  /** A data-class-style copy for the one component the tests vary; records have no copy(). */
  private fun Footer.copy(timestamp: Long) = Footer(features, formatVersion, dataOffset, timestamp,
    creatorApplication, creatorVersion, creatorHostOs, originalSize, currentSize, geometry, diskType, checksum,
    uniqueId, savedState)

  @Test
  fun shouldComputeGeometriesAndRefuseImpossibleOnes() {
    val geometry = Geometry(1024, 16, 63)
    assertEquals(1024, geometry.cylinders)
    assertEquals(16, geometry.heads)
    assertEquals(63, geometry.sectorsPerTrack)
    assertEquals(1024L * 16 * 63, geometry.sectors())
    assertEquals(geometry.sectors() * Vhd.SECTOR_SIZE, geometry.capacity())
    assertEquals("1024/16/63", geometry.toString())
    assertFalse(geometry.isMaximum)
    assertTrue(Geometry(65535, 16, 255).isMaximum)
    assertEquals(Geometry.MAX_SECTORS, Geometry(65535, 16, 255).sectors())

    // The specification's algorithm rounds down: 3 MiB gives 90/4/17, 3,133,440 bytes.
    assertEquals(Geometry(90, 4, 17), Geometry.forSize(3L shl 20))
    assertTrue(Geometry.forSize(3L shl 20).capacity() <= 3L shl 20)
    assertTrue(Geometry.forSize(Long.MAX_VALUE).isMaximum)
    assertEquals(Geometry(0, 4, 17), Geometry.forSize(-1))

    val refused = assertFailsWith<IllegalArgumentException> { Geometry(65536, 16, 63) }
    assertEquals("geometry out of range: 65536/16/63", refused.message)
  }

  @Test
  fun shouldBuildAHeaderAndSizeItsBitmaps() {
    val locator = ParentLocator(1, ParentLocator.Platform.W2RU.code(), 512, 24, 0x1000, ".\\base.vhd")
    val header = DynamicHeader(512, -1, 1536, 0x00010000, 4, 2L shl 20, 0x1234, uuid, 0x2B000000, "base.vhd",
      listOf(locator))
    assertEquals(512L, header.offset)
    assertEquals(-1L, header.dataOffset)
    assertEquals(1536L, header.tableOffset)
    assertEquals(0x00010000L, header.headerVersion)
    assertEquals(4L, header.maxTableEntries)
    assertEquals(2L shl 20, header.blockSize)
    assertEquals(0x1234L, header.checksum)
    assertEquals(uuid, header.parentUuid)
    assertEquals(0x2B000000L, header.parentTimestamp)
    assertEquals("base.vhd", header.parentName)
    assertEquals(listOf(locator), header.parentLocators)
    // 4096 sectors need 512 bytes of bitmap; 8 KiB blocks need 2 bytes, padded to a sector.
    assertEquals(512L, header.bitmapSize())
    assertEquals(512L, header.withBlockSize(8L shl 10).bitmapSize())
    assertEquals(8192L, header.withBlockSize(32L shl 20).bitmapSize())
  }

  private fun DynamicHeader.withBlockSize(value: Long) = DynamicHeader(offset, dataOffset, tableOffset,
    headerVersion, maxTableEntries, value, checksum, parentUuid, parentTimestamp, parentName, parentLocators)

  @Test
  fun shouldDecodeLocatorPlatformsOrAnswerNull() {
    val locator = ParentLocator(6, 0x57327275L, 512, 24, 0x3000, ".\\base.vhd")
    assertEquals(6, locator.index)
    assertEquals(0x57327275L, locator.platformCode)
    assertEquals(512L, locator.dataSpace)
    assertEquals(24L, locator.dataLength)
    assertEquals(0x3000L, locator.dataOffset)
    assertEquals(".\\base.vhd", locator.path)
    assertEquals(ParentLocator.Platform.W2RU, locator.platform())
    assertEquals("W2ru", locator.platform()?.label())
    assertEquals(
      listOf("none", "Wi2r", "Wi2k", "W2ru", "W2ku", "Mac ", "MacX"),
      ParentLocator.Platform.entries.map { it.label() })
    for (platform in ParentLocator.Platform.entries) {
      assertEquals(platform, ParentLocator.Platform.fromCode(platform.code()))
    }
    // An unknown code has no platform: the nullable result is handled without !!.
    val unknown = ParentLocator(7, 0x12345678, 0, 0, 0, null)
    assertEquals("unknown", unknown.platform()?.label() ?: "unknown")
    assertNull(unknown.path)
  }

  @Test
  fun shouldMapDiskTypeCodesBothWays() {
    assertEquals(listOf(2, 3, 4), DiskType.entries.map { it.code() })
    for (type in DiskType.entries) {
      assertEquals(type, DiskType.fromCode(type.code().toLong()))
    }
    assertEquals(listOf<DiskType?>(null, null, null), listOf(0L, 5L, 0xFFFFFFFFL).map(DiskType::fromCode))
  }

  @Test
  fun shouldDescribeProblemsAndReports() {
    val problem = Problem(ProblemCode.FOOTER_CHECKSUM, Severity.ERROR, "disk.vhd", "footer", "checksum", 6295040,
      "0xffffec32", "0x12345678", "expected 0xffffec32, found 0x12345678")
    assertEquals("footer", problem.structure)
    assertEquals("checksum", problem.field)
    assertEquals("disk.vhd", problem.resource)
    assertEquals(
      "footer.checksum at offset 6295040 (0x600e00): expected 0xffffec32, found 0x12345678", problem.describe())
    assertEquals("error: ${problem.describe()} (disk.vhd)", problem.toString())
    val warning = problem.withSeverity(Severity.WARNING)
    assertEquals(Severity.WARNING, warning.severity)
    assertEquals(problem.code, warning.code)
    assertEquals(Severity.ERROR, problem.severity, "withSeverity copies, the original stays")
    // No offset: the location has none either.
    val nowhere = Problem(ProblemCode.STORAGE_FALLBACK, Severity.WARNING, "disk.vhd", "file", "storage", -1,
      null, null, "read through a file channel")
    assertEquals("file.storage: read through a file channel", nowhere.describe())

    val report = ValidationReport("disk.vhd", listOf(warning, nowhere, problem), false)
    assertTrue(report.hasErrors())
    assertEquals(listOf(warning, nowhere), report.problems(Severity.WARNING))
    assertTrue(report.problems(Severity.INFO).isEmpty())
    assertTrue(ProblemCode.STORAGE_FALLBACK in report, "contains() is Kotlin's `in`")
    assertFalse(ProblemCode.BAT_PADDING in report)
    assertFalse(ValidationReport("disk.vhd", listOf(warning), true).hasErrors())
  }

  @Test
  fun shouldCarryExtentsSizesRepairsAndResolutions() {
    val extent = Extent(4096, 512, 1, true, 8704)
    assertEquals(4096L, extent.start)
    assertEquals(512L, extent.length)
    assertEquals(1, extent.depth)
    assertTrue(extent.data)
    assertEquals(8704L, extent.fileOffset)
    assertEquals(4608L, extent.end())

    val info = SizeInfo(3_133_440, SizeSource.CHS, SizePolicy.AUTO, 3L shl 20, 3L shl 20, 3_133_440)
    assertEquals(3_133_440L, info.virtualSize)
    assertEquals(info.chsSize, info.virtualSize)
    assertEquals(3L shl 20, info.currentSize)
    assertEquals(3L shl 20, info.originalSize)
    assertEquals(SizeSource.CHS, info.source)
    assertEquals(SizePolicy.AUTO, info.policy)

    val action = RepairAction("footer", 1536, "rewrite the footer from the copy at offset 0")
    assertEquals("footer", action.structure)
    assertEquals(1536L, action.offset)
    assertEquals("rewrite the footer from the copy at offset 0", action.description)
    assertEquals("footer at offset 1536: rewrite the footer from the copy at offset 0", action.toString())

    val missing = ParentCandidate(dir.resolve("a.vhd"), "W2ru locator[1]", ParentCandidate.Outcome.MISSING, "")
    val accepted = ParentCandidate(dir.resolve("b.vhd"), "parent name", ParentCandidate.Outcome.ACCEPTED, "")
    val mismatch = ParentCandidate(dir.resolve("c.vhd"), "resolver", ParentCandidate.Outcome.UUID_MISMATCH,
      "footer UUID $uuid")
    assertEquals(dir.resolve("a.vhd"), missing.path)
    assertEquals("W2ru locator[1]", missing.source)
    assertEquals("", missing.detail)
    assertEquals("${dir.resolve("a.vhd")} (W2ru locator[1]): missing", missing.toString())
    assertEquals("${dir.resolve("c.vhd")} (resolver): uuid mismatch: footer UUID $uuid", mismatch.toString())
    val resolution = ParentResolution(dir.resolve("b.vhd"), accepted.source, listOf(missing, accepted))
    assertEquals(dir.resolve("b.vhd"), resolution.path)
    assertEquals(dir.resolve("b.vhd").toString(), resolution.location)
    val remote = ParentCandidate("hdfs://nn/vm/b.vhd", null, "relative_path", ParentCandidate.Outcome.MISSING, "")
    assertNull(remote.path)
    assertEquals("hdfs://nn/vm/b.vhd (relative_path): missing", remote.toString())
    assertEquals("hdfs://nn/vm/b.vhd", remote.location)
    val found = ParentResolution("hdfs://nn/vm/b.vhd", null, "relative_path", listOf(remote))
    assertNull(found.path)
    assertEquals(remote, found.candidates.single())
    assertEquals("parent name", resolution.source)
    assertEquals(accepted, resolution.candidates.last())
  }

  @Test
  fun shouldReadTheSameRecordsFromAWrittenImage() {
    val source = TestImage.dynamic(4L shl 20, 512L * 1024).fill(0, 512, 1)
    source.creatorVersion = 0x00050003L
    source.creatorOs = "Mac "
    val path = source.writeTo(dir.resolve("d.vhd"))
    Vhd.open(path).use { image ->
      val footer = image.footer
      assertEquals("5.3", footer.creatorVersionString())
      assertEquals("Mac ", footer.creatorHostOs)
      assertEquals(source.features, footer.features)
      assertEquals(source.formatVersion, footer.formatVersion)
      assertEquals(512L, footer.dataOffset)
      assertEquals(source.timestamp, footer.timestamp)
      assertEquals(TestImage.checksum(source.footerBytes(512), 64), footer.checksum)
      assertEquals(DiskType.DYNAMIC.code().toLong(), source.diskType)
      val header = image.dynamicHeader ?: error("a dynamic disk has a header")
      assertEquals(512L, header.offset)
      assertEquals(-1L, header.dataOffset)
      assertEquals(0x00010000L, header.headerVersion)
      assertEquals(8L, header.maxTableEntries)
      assertEquals(0L, header.parentTimestamp)
      assertTrue(header.parentLocators.all { it.platform() == ParentLocator.Platform.NONE && it.path == null })
      assertEquals((0..7).toList(), header.parentLocators.map { it.index })
      assertEquals(listOf(0L), header.parentLocators.map { it.platformCode }.distinct())
      assertEquals(4L shl 20, image.sizeInfo.currentSize)
      assertEquals(4L shl 20, image.sizeInfo.originalSize)
    }
  }
}
