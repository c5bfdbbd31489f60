package io.github.vhd4j.kotlin

import io.github.vhd4j.DiskType
import io.github.vhd4j.OpenOptions
import io.github.vhd4j.ParentCandidate
import io.github.vhd4j.ParentNotFoundException
import io.github.vhd4j.ParentReference
import io.github.vhd4j.ParentResolver
import io.github.vhd4j.ProblemCode
import io.github.vhd4j.Vhd
import io.github.vhd4j.VhdFormatException
import io.github.vhd4j.VhdLimitException
import io.github.vhd4j.testing.TestImage
import java.nio.ByteBuffer
import java.nio.file.Files
import java.nio.file.Path
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertSame
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/** Differencing chains whose parent lives elsewhere, found by a resolver written as a lambda. */
internal class ChainsTest {
  @TempDir
  lateinit var dir: Path

  private val size = 4L shl 20

  private class Chain(val base: TestImage, val child: TestImage, val childPath: Path, val parents: Path)

  /** base.vhd in "parents", the child in its sibling "work": out of the built-in resolver's reach. */
  private fun chain(): Chain {
    val parents = Files.createDirectory(dir.resolve("parents"))
    val work = Files.createDirectory(dir.resolve("work"))
    val base = TestImage.dynamic(size, 2L shl 20).fill(0, size.toInt(), 0x11)
    base.writeTo(parents.resolve("base.vhd"))
    val child = TestImage.differencing(base, "base.vhd", 512L * 1024).fill(1000, 3000, 0x22)
    return Chain(base, child, child.writeTo(work.resolve("child.vhd")), parents)
  }

  @Test
  fun shouldFindTheParentWithALambdaResolver() {
    val c = chain()
    val seen = mutableListOf<ParentReference>()
    val options = OpenOptions.defaults().withParentResolver { ref ->
      seen += ref
      listOf(c.parents.resolve("missing.vhd"), c.parents.resolve(ref.parentName))
    }
    Vhd.open(c.childPath, options).use { image ->
      assertEquals(DiskType.DIFFERENCING, image.diskType)
      val ref = seen.single()
      assertEquals("base.vhd", ref.parentName)
      assertEquals(c.base.uuid, ref.parentUuid)
      assertEquals(c.childPath, ref.childPath)
      assertEquals(c.childPath.toString(), ref.child)
      assertEquals(c.base.timestamp, ref.parentTimestamp)
      assertTrue(ref.suggestedPaths.isNotEmpty())
      assertEquals(listOf("W2ku", "W2ru"), ref.locators.map { it.platform()?.label() })
      assertEquals(listOf(".\\base.vhd"), ref.locators.mapNotNull { it.path }.filter { it.startsWith(".") })

      val parent = image.parent
      assertNotNull(parent)
      assertEquals(c.base.uuid, parent.footer.uniqueId)
      assertNull(parent.parent)
      assertEquals(listOf(image, parent), image.chain)
      assertEquals(c.base.uuid, image.dynamicHeader?.parentUuid)

      val resolution = image.parentResolution ?: error("a differencing disk has a resolution")
      assertEquals(c.parents.resolve("base.vhd").toRealPath(), java.nio.file.Path.of(resolution.location).toRealPath())
      assertEquals("resolver", resolution.source)
      assertEquals(
        listOf(ParentCandidate.Outcome.MISSING, ParentCandidate.Outcome.ACCEPTED),
        resolution.candidates.map { it.outcome })

      // The parent belongs to the child: closing it on its own does nothing.
      parent.close()
      val content = ByteBuffer.allocate(image.size.toInt())
      image.readFully(0, content)
      assertContentEquals(c.child.expectedContent(c.base.expectedContent()), content.array())
      assertContentEquals(content.array(), image.newInputStream().use { it.readBytes() })
      val depths = image.map().map { it.depth }.toSet()
      assertEquals(setOf(0, 1), depths)
    }
  }

  @Test
  fun shouldAcceptAResolverDeclaredAsAFunInterfaceValue() {
    val c = chain()
    val resolver = ParentResolver { ref -> listOf(c.parents.resolve(ref.parentName)) }
    Vhd.open(c.childPath, OpenOptions.defaults().withParentResolver(resolver)).use { image ->
      assertSame(resolver, OpenOptions.defaults().withParentResolver(resolver).parentResolver)
      assertEquals(2, image.chain.size)
    }
    // Null switches back to the built-in resolver.
    assertNull(OpenOptions.defaults().withParentResolver(resolver).withParentResolver(null).parentResolver)
  }

  @Test
  fun shouldListEveryCandidateWhenTheParentIsMissing() {
    val c = chain()
    val e = assertFailsWith<ParentNotFoundException> { Vhd.open(c.childPath) }
    assertEquals(c.base.uuid, e.parentUuid)
    assertTrue(e.candidates.isNotEmpty())
    assertTrue(e.candidates.none { it.outcome == ParentCandidate.Outcome.ACCEPTED }, "${e.candidates}")
    assertTrue(e.message.orEmpty().contains("tried:"), e.message)

    // A resolver that finds nothing fails the same way, with no candidate to list.
    val none = OpenOptions.defaults().withParentResolver { emptyList() }
    val empty = assertFailsWith<ParentNotFoundException> { Vhd.open(c.childPath, none) }
    assertTrue(empty.candidates.isEmpty())
  }

  @Test
  fun shouldTellLimitsFromOtherFormatErrorsWithWhen() {
    val base = TestImage.dynamic(size, 2L shl 20).fill(0, 4096, 0x11)
    base.writeTo(dir.resolve("base.vhd"))
    val mid = TestImage.differencing(base, "base.vhd", 2L shl 20).fill(512, 512, 0x22)
    mid.writeTo(dir.resolve("mid.vhd"))
    val top = TestImage.differencing(mid, "mid.vhd", 2L shl 20).fill(1024, 512, 0x33)
    val path = top.writeTo(dir.resolve("top.vhd"))

    val verdict = try {
      Vhd.open(path, OpenOptions.defaults().withMaxChainDepth(1)).use { "opened ${it.chain.size} levels" }
    } catch (e: VhdFormatException) {
      when (e) {
        is VhdLimitException -> "limit ${e.code} ${e.limit}"
        else -> "format ${e.code}"
      }
    }
    assertEquals("limit ${ProblemCode.CHAIN_DEPTH_LIMIT} 1", verdict)
    Vhd.open(path, OpenOptions.defaults().withMaxChainDepth(2)).use { image ->
      assertEquals(listOf(top.uuid, mid.uuid, base.uuid), image.chain.map { it.footer.uniqueId })
    }
  }
}
