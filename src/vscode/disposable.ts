import type * as vscode from 'vscode';

/** Base class: what a subclass registers, it owns and disposes. */
export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;
  protected register<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) d.dispose(); else this.owned.push(d);
    return d;
  }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    while (this.owned.length) this.owned.pop()!.dispose();
  }
}
