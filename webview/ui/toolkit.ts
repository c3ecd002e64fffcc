// The only module that imports @vscode/webview-ui-toolkit at run time. It is imported by main.ts alone (not by
// controls.ts), because loading the toolkit defines classes that extend HTMLElement and reads `window` and
// `document` at module load: the happy-dom unit tests import the views and controls before any DOM exists.
// Only the components controls.ts renders are imported and registered, so esbuild drops the rest.
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeDropdown, vsCodeOption, vsCodeTextField } from '@vscode/webview-ui-toolkit';
// The map from VS Code theme variables to the toolkit's design tokens (the package has no exports map, so the
// deep path resolves; typed by its create.d.ts).
import { tokenMappings } from '@vscode/webview-ui-toolkit/dist/utilities/design-tokens/create.js';
import { controlKit, useControls, type ControlKit } from './controls';

/** The custom elements controls.ts creates when the toolkit is in use. */
export const TOOLKIT_TAGS = ['vscode-button', 'vscode-dropdown', 'vscode-option', 'vscode-text-field'] as const;

/**
 * Registers the toolkit's elements with the page's custom element registry. Returns false, without throwing,
 * when anything is missing afterwards (no custom elements, a registry clash, the library failing to load), so the
 * caller can fall back to the native controls.
 */
export function registerToolkit(): boolean {
  try {
    if (typeof customElements === 'undefined') return false;
    provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDropdown(), vsCodeOption(), vsCodeTextField());
    if (document.readyState !== 'complete') applyThemeNow(document.body);
    return TOOLKIT_TAGS.every((t) => customElements.get(t) !== undefined);
  } catch (err) {
    console.warn(`webview-ui-toolkit did not register; using native controls: ${(err as Error).message}`);
    return false;
  }
}

/**
 * Picks the controls for this page before the first render: the toolkit, unless <body data-controls="native">
 * asks for the native ones or the toolkit does not register. Returns the kit in use.
 */
export function initControls(doc: Document): ControlKit {
  useControls(doc.body?.dataset['controls'] !== 'native' && registerToolkit() ? 'toolkit' : 'native');
  return controlKit();
}

/**
 * The toolkit reads the theme into its tokens only on window `load` (and on later class changes of <body>), but
 * the panel paints its header and, usually, its data before `load`: without this, light and high-contrast users
 * would see the toolkit's dark defaults for the first frames. Same rules as the toolkit's applyCurrentTheme()
 * (utilities/theme/applyTheme.js), which is not exported; its own listener still follows theme switches.
 */
function applyThemeNow(body: HTMLElement): void {
  const styles = getComputedStyle(body);
  const kind = body.getAttribute('data-vscode-theme-kind');
  for (const [cssVar, token] of tokenMappings) {
    let value: string = styles.getPropertyValue(cssVar);
    if (kind === 'vscode-high-contrast') {
      if (!value && token.name.includes('background')) value = 'transparent';
      if (token.name === 'button-icon-hover-background') value = 'transparent';
    } else if (kind === 'vscode-high-contrast-light') {
      if (!value && token.name.includes('background')) {
        value = ({ 'button-primary-hover-background': '#0F4A85', 'button-secondary-hover-background': 'transparent', 'button-icon-hover-background': 'transparent' } as Record<string, string>)[token.name] ?? value;
      }
    } else if (token.name === 'contrast-active-border') value = 'transparent';
    token.setValueFor(body, value);
  }
}
