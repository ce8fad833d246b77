/**
 * What RunnerHub's CKEditor 5 is built with: the official `ckeditor5` package, and only the
 * plugins an article or newsletter body needs. Built by `make editor` into
 * runnerhub/static/runnerhub/editor/ckeditor.js (+ .css) as the global `RunnerHubCKEditor`;
 * runnerhub/static/runnerhub/js/editor.js configures it and turns each body textarea into an
 * editor.
 *
 * The plugin list follows the server's allowlist (runnerhub/sanitize.py): every element the
 * server keeps can be edited here, so opening and saving an article never loses formatting,
 * and nothing is loaded that the server would strip anyway. Deliberately absent: HtmlEmbed,
 * GeneralHtmlSupport, SourceEditing, Markdown and the style-based plugins (font, alignment,
 * list and table properties, image resize), whose output the sanitizer drops.
 */
import {
  Autoformat,
  BlockQuote,
  Bold,
  ClassicEditor,
  Code,
  CodeBlock,
  Essentials,
  Heading,
  HorizontalLine,
  Image,
  ImageCaption,
  ImageStyle,
  ImageTextAlternative,
  ImageToolbar,
  ImageUpload,
  Italic,
  Link,
  LinkImage,
  List,
  Paragraph,
  PasteFromOffice,
  SimpleUploadAdapter,
  Strikethrough,
  Subscript,
  Superscript,
  Table,
  TableCaption,
  TableToolbar,
  Underline,
  WordCount,
  version,
} from 'ckeditor5';

import 'ckeditor5/ckeditor5.css';

export class Editor extends ClassicEditor {
  static builtinPlugins = [
    Essentials,
    Autoformat,
    Paragraph,
    Heading,
    Bold,
    Italic,
    Underline,
    Strikethrough,
    Subscript,
    Superscript,
    Code,
    CodeBlock,
    HorizontalLine,
    Link,
    LinkImage,
    List,
    BlockQuote,
    Table,
    TableToolbar,
    TableCaption,
    Image,
    ImageCaption,
    ImageStyle,
    ImageTextAlternative,
    ImageToolbar,
    ImageUpload,
    SimpleUploadAdapter,
    PasteFromOffice,
    WordCount,
  ];
}

export { version };
