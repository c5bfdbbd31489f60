package io.github.vhd4j.kotlin

import io.github.vhd4j.CheckOptions
import io.github.vhd4j.CreateOptions
import io.github.vhd4j.DiskType
import io.github.vhd4j.OpenOptions
import io.github.vhd4j.ParentLocator
import io.github.vhd4j.ParentReference
import io.github.vhd4j.Problem
import io.github.vhd4j.ProgressListener
import io.github.vhd4j.Vhd
import io.github.vhd4j.VhdFormatException
import io.github.vhd4j.mmap.MappedStorage
import io.github.vhd4j.testing.TestImage
import java.nio.ByteBuffer
import java.nio.file.Path
import kotlin.reflect.KType
import kotlin.reflect.typeOf
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/** The static type Kotlin infers for an expression, captured at compile time. */
internal inline fun <reified T> staticType(@Suppress("UNUSED_PARAMETER") value: T): KType = typeOf<T>()

/**
 * How strict JSpecify mode types the public API: `@Nullable` members become `T?`, every other type in
 * the `@NullMarked` package a plain non-null `T` (never a platform type `T!`). The types are those
 * the compiler inferred for each expression, so a missing or stray annotation in core fails here.
 */
internal class NullnessTest {
  @TempDir
  lateinit var dir: Path

  @Test
  fun shouldTypeImageAccessorsByTheirAnnotations() {
    val path = TestImage.dynamic(1L shl 20, 512L * 1024).fill(0, 512, 1).writeTo(dir.resolve("d.vhd"))
    Vhd.open(path).use { image ->
      nullable(staticType(image.dynamicHeader))
      nullable(staticType(image.parent))
      nullable(staticType(image.parentResolution))
      nullable(staticType(image.path))

      nonNull(staticType(image))
      nonNull(staticType(image.footer))
      nonNull(staticType(image.footer.geometry))
      nonNull(staticType(image.footer.creatorApplication))
      nonNull(staticType(image.footer.uniqueId))
      nonNull(staticType(image.sizeInfo))
      nonNull(staticType(image.sizeInfo.source))
      nonNull(staticType(image.diskType))
      nonNull(staticType(image.resource))
      nonNull(staticType(image.chain))
      nonNull(staticType(image.warnings))
      nonNull(staticType(image.map()))
      nonNull(staticType(image.map(0, 512)))
      nonNull(staticType(image.newChannel()))
      nonNull(staticType(image.newInputStream()))
      val header = image.dynamicHeader ?: error("dynamic disk without header")
      nonNull(staticType(header.parentLocators))
      nonNull(staticType(header.parentName))
      nonNull(staticType(header.parentUuid))
    }
  }

  @Test
  fun shouldTypeProblemsAndOptionsByTheirAnnotations() {
    val fixed = TestImage.fixed(64L * 1024)
    fixed.footerChecksum = 1L
    val e = try {
      Vhd.open(ByteBuffer.wrap(fixed.toBytes()), OpenOptions.defaults())
      error("a bad footer checksum was accepted")
    } catch (thrown: VhdFormatException) {
      thrown
    }
    nullable(staticType(e.expected))
    nullable(staticType(e.actual))
    nonNull(staticType(e.code))
    nonNull(staticType(e.structure))
    nonNull(staticType(e.field))
    nonNull(staticType(e.problem))
    nonNull(staticType(e.problems))
    nonNull(staticType(e.resource))
    nonNull(staticType(e.detail))

    val problem: Problem = e.problem
    nullable(staticType(problem.expected))
    nullable(staticType(problem.actual))
    nonNull(staticType(problem.message))
    nonNull(staticType(problem.describe()))

    val report = Vhd.check(ByteBuffer.wrap(fixed.toBytes()), CheckOptions.defaults())
    nonNull(staticType(report.problems))
    nonNull(staticType(report.problems(io.github.vhd4j.Severity.ERROR)))
    assertEquals(e.code, report.problems.first().code)

    val options = OpenOptions.defaults()
    nullable(staticType(options.parentResolver))
    nonNull(staticType(options.parentDirectories))
    nonNull(staticType(options.withLenient(true)))

    nullable(staticType(DiskType.fromCode(9)))
    nullable(staticType(ParentLocator.Platform.fromCode(1)))
    val locator = ParentLocator(0, 0, 0, 0, 0, null)
    nullable(staticType(locator.path))
    nullable(staticType(locator.platform()))
  }

  @Test
  fun shouldTypeTheResolverContract() {
    // A resolver receives a non-null reference (with a nullable child path) and must return a list.
    val resolver = io.github.vhd4j.ParentResolver { ref: ParentReference ->
      nullable(staticType(ref.childPath))
      nonNull(staticType(ref.parentName))
      nonNull(staticType(ref.locators))
      nonNull(staticType(ref.suggestedPaths))
      listOfNotNull(ref.childPath?.resolveSibling(ref.parentName))
    }
    val ref = ParentReference("child", null, java.util.UUID.randomUUID(), 0, "base.vhd", listOf(), listOf())
    assertEquals(listOf(), resolver.candidates(ref))
    val withPath =
      ParentReference("child", dir.resolve("child.vhd"), ref.parentUuid, 0, "base.vhd", listOf(), listOf())
    assertEquals(listOf(dir.resolve("base.vhd")), resolver.candidates(withPath))
  }

  @Test
  fun shouldTypeOptionsFactoriesAndMaintenanceResults() {
    val create = CreateOptions.dynamic(1L shl 20)
    nullable(staticType(create.parent))
    nullable(staticType(create.uniqueId))
    nonNull(staticType(create.openOptions))
    nonNull(staticType(CreateOptions.differencing(dir.resolve("base.vhd"))))
    nonNull(staticType(CheckOptions.defaults().openOptions))
    nonNull(staticType(MappedStorage.options()))
    nonNull(staticType(ProgressListener.none()))

    val path = dir.resolve("d.vhd")
    Vhd.create(path, create).use { image ->
      nullable(staticType(image.view(0, 512)))
      nonNull(staticType(image.sizeInfo))
    }
    val actions = Vhd.planRepair(path)
    nonNull(staticType(actions))
    assertTrue(actions.isEmpty(), "$actions")
    val child = dir.resolve("child.vhd")
    Vhd.create(child, CreateOptions.differencing(path)).close()
    val parent = Vhd.commit(child, OpenOptions.defaults(), ProgressListener.none())
    nonNull(staticType(parent))
    assertEquals(path.toRealPath(), parent.toRealPath())
  }
}
