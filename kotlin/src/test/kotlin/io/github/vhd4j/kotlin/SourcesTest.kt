package io.github.vhd4j.kotlin

import io.github.vhd4j.CheckOptions
import io.github.vhd4j.DiskFormat
import io.github.vhd4j.DiskImages
import io.github.vhd4j.ImageSource
import io.github.vhd4j.OpenOptions
import io.github.vhd4j.ParentCandidate
import io.github.vhd4j.ParentHint
import io.github.vhd4j.ParentNotFoundException
import io.github.vhd4j.ParentReference
import io.github.vhd4j.ParentResolution
import io.github.vhd4j.ProgressListener
import io.github.vhd4j.SourceResolver
import io.github.vhd4j.VhdImage
import io.github.vhd4j.testing.TestImage
import java.nio.ByteBuffer
import java.nio.channels.FileChannel
import java.nio.file.AccessDeniedException
import java.nio.file.Path
import java.util.UUID
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/** Images that are not local files, and parents opened through a SourceResolver written as a lambda. */
internal class SourcesTest {
  @TempDir
  lateinit var dir: Path

  private val size = 4L shl 20

  /** A resolver over an in-memory "store": names are "mem:/vm/NAME"; only relative hints are allowed. */
  private fun store(files: Map<String, ByteArray>, asked: MutableList<ParentHint>) = SourceResolver { ref, hint ->
    asked += hint
    if (!hint.relative) throw AccessDeniedException(hint.path)
    val name = ref.child.substringBeforeLast('/') + "/" + hint.path
    files[name]?.let { ImageSource.of(ByteBuffer.wrap(it), name) }
  }

  @Test
  fun shouldOpenAChainFromSourcesThroughALambdaResolver() {
    val base = TestImage.dynamic(size, 2L shl 20).fill(0, size.toInt(), 0x11)
    val child = TestImage.differencing(base, "base.vhd", 512L * 1024).fill(1000, 3000, 0x22)
    val asked = mutableListOf<ParentHint>()
    val options = OpenOptions.defaults().withSourceResolver(store(mapOf("mem:/vm/base.vhd" to base.toBytes()), asked))
    ImageSource.of(ByteBuffer.wrap(child.toBytes()), "mem:/vm/child.vhd").use { top ->
      assertEquals("mem:/vm/child.vhd", top.name())
      assertEquals(child.toBytes().size.toLong(), top.size())
      val first = ByteBuffer.allocate(8)
      assertEquals(8, top.read(child.tailFooterOffset(), first))
      assertContentEquals("conectix".toByteArray(), first.array())
      assertEquals(DiskFormat.VHD, DiskImages.probe(top).format)
      DiskImages.open(top, options).use { image ->
        val all = ByteBuffer.allocate(size.toInt())
        image.readFully(0, all)
        assertContentEquals(child.expectedContent(base.expectedContent()), all.array())
        val resolution: ParentResolution = (image as VhdImage).parentResolution
          ?: error("a differencing disk has a resolution")
        assertEquals("mem:/vm/base.vhd", resolution.location)
        assertNull(resolution.path)
        assertEquals(ParentCandidate.Outcome.ACCEPTED, resolution.candidates.last().outcome)
      }
      // W2ru's ".\base.vhd" comes first, as the built-in order has it; the search stops at the parent.
      assertEquals(ParentHint("./base.vhd", true, "W2ru locator[1]"), asked.first())
      assertTrue(asked.none { !it.relative })
      val report = DiskImages.check(top, CheckOptions.defaults().withOpenOptions(options), ProgressListener.none())
      assertTrue(!report.hasErrors(), "$report")
    }
  }

  @Test
  fun shouldHandTheResolverTheHintsInAReference() {
    val base = TestImage.dynamic(size, 2L shl 20)
    val child = TestImage.differencing(base, "base.vhd", 512L * 1024)
    val refs = mutableListOf<ParentReference>()
    val file = child.writeTo(dir.resolve("child.vhd"))
    val options = OpenOptions.defaults().withSourceResolver { ref, _ -> refs += ref; null }
    FileChannel.open(file).use { ch ->
      ImageSource.of(ch, file.toString()).use { top ->
        val failure = runCatching { DiskImages.open(top, options) }.exceptionOrNull()
        assertTrue(failure is ParentNotFoundException, "$failure")
      }
    }
    val ref = refs.first()
    assertEquals(base.uuid, ref.parentUuid)
    assertEquals(listOf("./base.vhd", "base.vhd"), ref.hints.map { it.path })
    val made = ParentReference("c", null, UUID(0, 1), 0, "p", listOf(), listOf(), listOf(ParentHint("p", true, "x")))
    assertEquals("x", made.hints.single().source)
    assertEquals("p", made.hints.single().path)
    assertEquals(listOf("W2ru locator[1]", "W2ku locator[0]"), ref.hints.map { it.source })
  }

  /** A source written in Kotlin that counts its closes. */
  private class Counting(bytes: ByteArray, private val label: String) : ImageSource {
    private val inner = ImageSource.of(ByteBuffer.wrap(bytes), label)
    var closed = 0

    override fun name(): String = label

    override fun size(): Long = inner.size()

    override fun read(position: Long, dst: ByteBuffer): Int = inner.read(position, dst)

    override fun close() {
      closed++
    }
  }

  @Test
  fun shouldCloseTheParentsItOpenedButNotTheTop() {
    val base = TestImage.dynamic(size, 2L shl 20).fill(0, 4096, 0x33)
    val child = TestImage.differencing(base, "base.vhd", 512L * 1024)
    val parent = Counting(base.toBytes(), "mem:/vm/base.vhd")
    val top = Counting(child.toBytes(), "mem:/vm/child.vhd")
    val options = OpenOptions.defaults().withSourceResolver { _, hint -> if (hint.path == "./base.vhd") parent else null }
    DiskImages.open(top, options).use { image ->
      val b = ByteBuffer.allocate(4096)
      image.readFully(0, b)
      assertTrue(b.array().all { it == 0x33.toByte() })
      assertEquals(0, parent.closed)
    }
    assertEquals(1, parent.closed)
    assertEquals(0, top.closed)
    val mine: ImageSource = top
    mine.close()
    assertEquals(1, top.closed)
  }
}
