/**
 * A container's place among its children: the live ones, and the one disposal of a
 * container and its descendants — everything interrupted, then the shutdown phase children
 * first, then disposal children first (newest first: they may use their parent's instances).
 */
import type { ModuleRegistryError } from "./errors.js";

/** What the tree asks of each container. */
export interface TreeMember {
  /** Interrupts this container's in-flight builds and hooks. */
  treeInterrupt(): void;
  /** This container's own shutdown phase (`onShutdown`), failures returned. */
  treeShutdown(): Promise<ModuleRegistryError[]>;
  /** This container's own disposal (its scopes, then its modules), failures returned. */
  treeDispose(): Promise<ModuleRegistryError[]>;
}

export class ContainerTree<M extends TreeMember> {
  /** Live children, disposed before this container. */
  readonly children = new Set<ContainerTree<M>>();
  /** The disposal of this container and its children, once begun. */
  private disposal: Promise<ModuleRegistryError[]> | undefined;

  constructor(
    readonly member: M,
    private readonly parent?: ContainerTree<M>,
  ) {
    parent?.children.add(this);
  }

  /** Whether `dispose()` was called (or a child's parent began disposing it). */
  get disposing(): boolean {
    return this.disposal !== undefined;
  }

  /** The one disposal of this container and its children; every failure returned. */
  dispose(): Promise<ModuleRegistryError[]> {
    return (this.disposal ??= (async () => {
      const failures = await this.shutdown();
      for (const child of [...this.children].reverse()) failures.push(...(await child.dispose()));
      failures.push(...(await this.member.treeDispose()));
      this.parent?.children.delete(this);
      return failures;
    })());
  }

  /** The shutdown phase of this container and its children (children first), before anything is disposed. */
  private async shutdown(): Promise<ModuleRegistryError[]> {
    this.interrupt();
    const failures: ModuleRegistryError[] = [];
    for (const child of [...this.children].reverse()) failures.push(...(await child.shutdown()));
    failures.push(...(await this.member.treeShutdown()));
    return failures;
  }

  private interrupt(): void {
    this.member.treeInterrupt();
    for (const child of this.children) child.interrupt();
  }
}
