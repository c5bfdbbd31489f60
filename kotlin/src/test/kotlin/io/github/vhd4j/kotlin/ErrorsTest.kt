package io.github.vhd4j.kotlin

import io.github.vhd4j.CheckOptions
import io.github.vhd4j.ImageInUseException
import io.github.vhd4j.OpenOptions
import io.github.vhd4j.ParentCandidate
import io.github.vhd4j.ParentCycleException
import io.github.vhd4j.ParentMismatchException
import io.github.vhd4j.ParentNotFoundException
import io.github.vhd4j.Problem
import io.github.vhd4j.ProblemCode
import io.github.vhd4j.Severity
import io.github.vhd4j.UnsupportedVhdFeatureException
import io.github.vhd4j.Vhd
import io.github.vhd4j.VhdException
import io.github.vhd4j.VhdFormatException
import io.github.vhd4j.VhdLimitException
import io.github.vhd4j.testing.TestImage
import java.io.IOException
import java.nio.ByteBuffer
import java.nio.file.Path
import java.util.UUID
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlin.test.fail
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/** Format errors caught with try/catch, lenient options built with withers, and check() reports. */
internal class ErrorsTest {
  @TempDir
  lateinit var dir: Path

  /** A fixed disk whose footer checksum (offset 64) is off by one: no head copy can rescue it. */
  private fun badFooterChecksum(): Pair<TestImage, Path> {
    val image = TestImage.fixed(64L * 1024).fill(0, 512, 0x11)
    val good = TestImage.checksum(image.footerBytes(-1L), 64)
    image.footerChecksum = (good + 1) and 0xFFFFFFFFL
    return image to image.writeTo(dir.resolve("bad-footer.vhd"))
  }

  /** A dynamic disk whose dynamic header checksum (offset 36) is wrong: lenient mode can open it. */
  private fun badHeaderChecksum(): Pair<TestImage, Path> {
    val image = TestImage.dynamic(4L shl 20, 2L shl 20).fill(100, 5000, 0x42)
    image.headerChecksum = 0x12345678L
    return image to image.writeTo(dir.resolve("bad-header.vhd"))
  }

  @Test
  fun shouldCatchFormatErrorsWithTheirLocation() {
    val (source, path) = badFooterChecksum()
    try {
      Vhd.open(path).use { fail("opened a disk with a bad footer checksum: ${it.size}") }
    } catch (e: VhdFormatException) {
      assertEquals(ProblemCode.FOOTER_CHECKSUM, e.code)
      assertEquals("footer", e.structure)
      assertEquals("checksum", e.field)
      assertEquals(source.tailFooterOffset() + 64, e.fileOffset)
      assertEquals(path.toString(), e.resource)
      assertEquals(Severity.ERROR, e.problem.severity)
      assertTrue(e.problems.contains(e.problem))
      // Expected and actual are nullable in the API: reading them needs a null-safe call.
      val expected = e.expected?.lowercase()
      val actual = e.actual ?: "unknown"
      assertNotNull(expected)
      assertTrue(expected != actual.lowercase(), "$expected vs $actual")
      assertTrue(e.message.orEmpty().startsWith("footer.checksum at offset "), e.message)
      assertEquals(e.problem.describe(), e.detail)
    }
  }

  @Test
  fun shouldTreatFormatErrorsAsIoExceptions() {
    val (_, path) = badFooterChecksum()
    val thrown = assertFailsWith<IOException> { Vhd.open(path) }
    val vhd = assertIs<VhdException>(thrown)
    assertIs<VhdFormatException>(vhd)
    val code = when (thrown) {
      is VhdFormatException -> thrown.code
      else -> null
    }
    assertEquals(ProblemCode.FOOTER_CHECKSUM, code)
  }

  @Test
  fun shouldOpenDamagedImagesLenientlyThroughWithers() {
    val (source, path) = badHeaderChecksum()
    val strict = assertFailsWith<VhdFormatException> { Vhd.open(path) }
    assertEquals(ProblemCode.HEADER_CHECKSUM, strict.code)
    assertEquals(source.headerOffset + 36, strict.fileOffset)

    val lenient = OpenOptions.defaults().withLenient(true).withMaxChainDepth(8)
    assertTrue(lenient.lenient)
    assertEquals(8, lenient.maxChainDepth)
    assertFalse(OpenOptions.defaults().lenient)
    Vhd.open(path, lenient).use { image ->
      val downgraded = image.warnings.single { it.code == ProblemCode.HEADER_CHECKSUM }
      assertEquals(Severity.ERROR, downgraded.severity)
      assertEquals("checksum", downgraded.field)
      val bytes = ByteBuffer.allocate(image.size.toInt())
      image.readFully(0, bytes)
      assertContentEquals(source.expectedContent(), bytes.array())
    }
  }

  @Test
  fun shouldReportProblemsFromCheckWithoutThrowing() {
    val (source, path) = badHeaderChecksum()
    val report = Vhd.check(path)
    assertTrue(report.hasErrors())
    assertTrue(report.contains(ProblemCode.HEADER_CHECKSUM))
    assertEquals(path.toString(), report.resource)
    assertFalse(report.deep)
    val error = report.problems(Severity.ERROR).first()
    assertEquals(ProblemCode.HEADER_CHECKSUM, error.code)
    assertEquals(source.headerOffset + 36, error.offset)
    assertTrue(report.problems.all { it.resource == path.toString() })
    val described = report.problems.map { "${it.severity}: ${it.describe()}" }
    assertTrue(described.any { it.startsWith("ERROR: header.checksum at offset 548 (0x224)") }, "$described")

    val good = TestImage.dynamic(4L shl 20, 2L shl 20).fill(0, 1024, 1).writeTo(dir.resolve("good.vhd"))
    val deep = Vhd.check(good, CheckOptions.defaults().withDeep(true).withCheckParents(false))
    assertTrue(deep.deep)
    assertFalse(deep.hasErrors(), "${deep.problems}")
    val scanned = mutableListOf<Long>()
    val watched = Vhd.check(good, CheckOptions.defaults().withDeep(true)) { done, total ->
      assertEquals(2L shl 20, total, "one stored 2 MiB block to scan")
      scanned += done
    }
    assertEquals(deep.problems, watched.problems)
    assertEquals(listOf(2L shl 20), scanned)

    val inMemory = Vhd.check(ByteBuffer.wrap(source.toBytes()), CheckOptions.defaults())
    assertEquals("memory", inMemory.resource)
    assertTrue(inMemory.contains(ProblemCode.HEADER_CHECKSUM))
  }

  /** What a Kotlin caller does with any failure: one `when`, the most specific types first. */
  private fun verdict(e: Exception): String = when (e) {
    is VhdLimitException -> "limit ${e.code}: ${e.requested} > ${e.limit}"
    is VhdFormatException -> "format ${e.code} at ${e.fileOffset}"
    is ParentCycleException -> "cycle ${e.candidates.map { it.outcome }}"
    is ParentMismatchException -> "mismatch ${e.candidates.map { it.outcome }}"
    is ParentNotFoundException -> "no parent ${e.parentUuid}"
    is UnsupportedVhdFeatureException -> "unsupported in ${e.resource}"
    is ImageInUseException -> "in use: ${e.resource}"
    is VhdException -> "other in ${e.resource}"
    else -> "not vhd4j: ${e.javaClass.simpleName}"
  }

  @Test
  fun shouldDispatchEveryExceptionTypeWithWhen() {
    val problem = Problem(ProblemCode.BLOCK_SIZE_LIMIT, Severity.ERROR, "a.vhd", "header", "blockSize", 544,
      "at most 268435456", "536870912", "the block size is above the limit")
    val warning = problem.withSeverity(Severity.WARNING)
    val uuid = UUID.fromString("00000000-0000-0000-0000-00000000000a")
    val tried = listOf(ParentCandidate(Path.of("b.vhd"), "parent name", ParentCandidate.Outcome.UUID_MISMATCH, ""))
    val limit = VhdLimitException(problem, 512L shl 20, Vhd.MAX_BLOCK_SIZE)
    val format = VhdFormatException(problem, listOf(warning, problem))
    val missing = ParentNotFoundException("no parent found", "a.vhd", uuid, listOf(), IOException("disk gone"))
    val unsupported = UnsupportedVhdFeatureException("a raw parent", "a.vhd", null)
    val cases = listOf(
      limit to "limit BLOCK_SIZE_LIMIT: 536870912 > 268435456",
      format to "format BLOCK_SIZE_LIMIT at 544",
      VhdFormatException(problem.withSeverity(Severity.ERROR)) to "format BLOCK_SIZE_LIMIT at 544",
      ParentCycleException("the chain loops", "a.vhd", uuid, tried) to "cycle [UUID_MISMATCH]",
      ParentMismatchException("not the parent", "a.vhd", uuid, tried, null) to "mismatch [UUID_MISMATCH]",
      missing to "no parent $uuid",
      unsupported to "unsupported in a.vhd",
      ImageInUseException("another process is using it (a.vhd)", "a.vhd", null) to "in use: a.vhd",
      VhdException("something else", "a.vhd", null) to "other in a.vhd",
      IOException("plain") to "not vhd4j: IOException",
    )
    for ((e, expected) in cases) {
      assertEquals(expected, verdict(e))
    }

    // What the constructors make of their arguments.
    assertEquals(listOf(warning, problem), format.problems)
    assertEquals(listOf(problem), VhdFormatException(problem).problems)
    assertEquals("header.blockSize at offset 544 (0x220): the block size is above the limit (a.vhd)", limit.message)
    assertEquals(problem.describe(), limit.detail)
    assertEquals(
      "no parent found (a.vhd); tried: no candidate path (no usable locator or parent name)", missing.message)
    assertEquals("disk gone", missing.cause?.message)
    assertEquals("a raw parent (a.vhd)", unsupported.message)
    assertNull(unsupported.cause)
  }

  @Test
  fun shouldReportLimitsWithWhatWasAskedFor() {
    val path = TestImage.dynamic(4L shl 20, 1L shl 30).writeTo(dir.resolve("huge-blocks.vhd"))
    val e = assertFailsWith<VhdLimitException> { Vhd.open(path) }
    assertEquals("limit BLOCK_SIZE_LIMIT: ${1L shl 30} > ${Vhd.MAX_BLOCK_SIZE}", verdict(e))
    assertEquals(1L shl 30, e.requested)
    assertEquals(Vhd.MAX_BLOCK_SIZE, e.limit)
    assertEquals("blockSize", e.field)
    assertTrue(ProblemCode.BLOCK_SIZE_LIMIT in Vhd.check(path))
  }

  @Test
  fun shouldTellMismatchedAndCyclicParentsApart() {
    val blockSize = 512L * 1024
    val base = TestImage.dynamic(1L shl 20, blockSize).fill(0, 4096, 0x11)
    base.writeTo(dir.resolve("base.vhd"))
    val child = TestImage.differencing(base, "base.vhd", blockSize)
    child.parentUuid = UUID.randomUUID()
    val path = child.writeTo(dir.resolve("child.vhd"))
    val mismatch = assertFailsWith<ParentMismatchException> { Vhd.open(path) }
    assertEquals("mismatch [UUID_MISMATCH]", verdict(mismatch))
    assertEquals(child.parentUuid, mismatch.parentUuid)
    assertEquals(dir.resolve("base.vhd"), mismatch.candidates.single().path)
    assertTrue("${child.parentUuid}" in mismatch.candidates.single().detail, mismatch.candidates.single().detail)
    // Old Virtual PC chains record no usable UUID: with verification off, an equal size will do.
    Vhd.open(path, OpenOptions.defaults().withVerifyParentUuid(false)).use { image ->
      assertEquals(base.uuid, image.parent?.footer?.uniqueId)
      assertEquals(base.expectedContent().toList(), image.newInputStream().use { it.readBytes() }.toList())
    }

    val self = TestImage.differencing(TestImage.dynamic(1L shl 20, blockSize), "self.vhd", blockSize)
    self.parentUuid = self.uuid
    self.parentTimestamp = self.timestamp
    val selfPath = self.writeTo(dir.resolve("self.vhd"))
    val cycle = assertFailsWith<ParentCycleException> { Vhd.open(selfPath) }
    assertEquals("cycle [CYCLE]", verdict(cycle))
    assertTrue(ProblemCode.PARENT_CYCLE in Vhd.check(selfPath))
  }

  @Test
  fun shouldCheckChannelsAndBuffersWithDefaultsOrOptions() {
    val (source, _) = badHeaderChecksum()
    val bytes = source.toBytes()
    val fromBuffer = Vhd.check(ByteBuffer.wrap(bytes))
    assertEquals("memory", fromBuffer.resource)
    assertTrue(ProblemCode.HEADER_CHECKSUM in fromBuffer)
    val fromChannel = io.github.vhd4j.testing.MemoryChannel(bytes, 700).use { channel ->
      Vhd.check(channel, "uploaded.vhd", CheckOptions.defaults().withDeep(true))
    }
    assertEquals("uploaded.vhd", fromChannel.resource)
    assertTrue(fromChannel.deep)
    assertTrue(fromChannel.problems.map { it.code }.containsAll(fromBuffer.problems.map { it.code }))
    assertTrue(fromChannel.problems.all { it.resource == "uploaded.vhd" })
  }
}
