package io.github.vhd4j.kotlin

import io.github.vhd4j.CheckOptions
import io.github.vhd4j.OpenOptions
import io.github.vhd4j.ProblemCode
import io.github.vhd4j.Severity
import io.github.vhd4j.Vhd
import io.github.vhd4j.VhdException
import io.github.vhd4j.VhdFormatException
import io.github.vhd4j.testing.TestImage
import java.io.IOException
import java.nio.ByteBuffer
import java.nio.file.Path
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNotNull
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

    val inMemory = Vhd.check(ByteBuffer.wrap(source.toBytes()), CheckOptions.defaults())
    assertEquals("memory", inMemory.resource)
    assertTrue(inMemory.contains(ProblemCode.HEADER_CHECKSUM))
  }
}
