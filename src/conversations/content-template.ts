/**
 * Twilio's rich content templates (Twilio Content API). ACS Chat has no content templates, so
 * `Client.getContentTemplates()` rejects with UnsupportedFeatureError and `Message.getContentData()`
 * resolves to `null`. The
 * types and classes exist so that apps keep their annotations, `instanceof` checks and
 * `switch (data.type)` code; {@link ContentTemplate} can still be built from a Content API
 * response an app fetched itself.
 */

// ---- Twilio Content API response shapes (input of ContentTemplate and parseVariant) ----

export type ContentDataActionResponse = Readonly<{
  type: string;
  title: string;
  id?: string;
  url?: string;
  phone?: string;
  index?: number;
}>;
export type ContentDataTextResponse = Readonly<{ body: string }>;
export type ContentDataMediaResponse = Readonly<{ body?: string; media: string[] }>;
export type ContentDataLocationResponse = Readonly<{ longitude: number; latitude: number; label?: string }>;
export type ContentDataQuickReplyResponse = Readonly<{ body: string; actions: Readonly<{ title: string; id?: string }>[] }>;
export type ContentDataCallToActionResponse = Readonly<{ body: string; actions: ContentDataActionResponse[] }>;
export type ContentDataListPickerResponse = Readonly<{
  body: string;
  button: string;
  items: Readonly<{ id: string; item: string; description?: string }>[];
}>;
export type ContentDataCardResponse = Readonly<{
  title: string;
  subtitle?: string;
  media?: string[];
  actions?: ContentDataActionResponse[];
}>;
export type ContentDataResponse = Readonly<{
  "twilio/text"?: ContentDataTextResponse;
  "twilio/media"?: ContentDataMediaResponse;
  "twilio/location"?: ContentDataLocationResponse;
  "twilio/quick-reply"?: ContentDataQuickReplyResponse;
  "twilio/call-to-action"?: ContentDataCallToActionResponse;
  "twilio/list-picker"?: ContentDataListPickerResponse;
  "twilio/card"?: ContentDataCardResponse;
}>;
/** One template as the Content API returns it; `variables` is a JSON object of name to value. */
export type ContentTemplateResponse = Readonly<{
  sid: string;
  account_sid: string;
  friendly_name: string;
  variables: string;
  variants: ContentDataResponse;
  date_created: string;
  date_updated: string;
}>;

// ---- Public content data types (same names and shapes as @twilio/conversations 3.x) ----

/** A button of {@link ContentDataQuickReply} that sends back a predefined text. */
export type ContentDataReply = {
  /** Display value; also the text sent back when the user taps the button. */
  readonly title: string;
  /** Postback payload, not visible to the end user. */
  readonly id?: string;
};

/** A button that opens a URL. */
export type ContentDataActionUrl = {
  readonly type: "url";
  readonly title: string;
  readonly url: string;
  /** The whole action as JSON text, for fields this SDK does not model. */
  readonly rawData: string;
};

/** A button that calls a phone number. */
export type ContentDataActionPhone = {
  readonly type: "phone";
  readonly title: string;
  readonly phone: string;
  /** The whole action as JSON text, for fields this SDK does not model. */
  readonly rawData: string;
};

/** A button that sends back a predefined text. */
export type ContentDataActionReply = {
  readonly type: "reply";
  readonly title: string;
  readonly id?: string;
  readonly index: number;
  /** The whole action as JSON text, for fields this SDK does not model. */
  readonly rawData: string;
};

/** An action type this SDK does not know. */
export type ContentDataActionOther = {
  readonly type: "other";
  /** The whole action as JSON text. */
  readonly rawData: string;
};

/** The actions of {@link ContentDataCallToAction} and {@link ContentDataCard}. */
export type ContentDataAction = ContentDataActionUrl | ContentDataActionPhone | ContentDataActionReply | ContentDataActionOther;

/** An item of {@link ContentDataListPicker}. */
export type ContentDataListItem = {
  /** Item identifier, not visible to the recipient. */
  readonly id: string;
  /** Display value. */
  readonly item: string;
  readonly description?: string;
};

/** Plain text (`twilio/text`). */
export type ContentDataText = {
  readonly type: "text";
  readonly body: string;
  /** The whole variant as JSON text, for fields this SDK does not model. */
  readonly rawData: string;
};

/** File attachments, with an optional text (`twilio/media`). */
export type ContentDataMedia = {
  readonly type: "media";
  readonly body?: string;
  /** URLs of the media. */
  readonly media: string[];
  /** The whole variant as JSON text, for fields this SDK does not model. */
  readonly rawData: string;
};

/** A location pin with an optional label (`twilio/location`). */
export type ContentDataLocation = {
  readonly type: "location";
  readonly longitude: number;
  readonly latitude: number;
  readonly label?: string;
  /** The whole variant as JSON text, for fields this SDK does not model. */
  readonly rawData: string;
};

/** A text with up to 3 reply buttons (`twilio/quick-reply`). */
export type ContentDataQuickReply = {
  readonly type: "quickReply";
  readonly body: string;
  readonly replies: ContentDataReply[];
  /** The whole variant as JSON text, for fields this SDK does not model. */
  readonly rawData: string;
};

/** A text with action buttons such as a URL or a phone call (`twilio/call-to-action`). */
export type ContentDataCallToAction = {
  readonly type: "callToAction";
  readonly body: string;
  readonly actions: ContentDataAction[];
  /** The whole variant as JSON text, for fields this SDK does not model. */
  readonly rawData: string;
};

/** A menu of up to 10 items (`twilio/list-picker`). */
export type ContentDataListPicker = {
  readonly type: "listPicker";
  readonly body: string;
  /** Display value of the primary button. */
  readonly button: string;
  readonly items: ContentDataListItem[];
  /** The whole variant as JSON text, for fields this SDK does not model. */
  readonly rawData: string;
};

/** A card with title, media and actions (`twilio/card`). */
export type ContentDataCard = {
  readonly type: "card";
  readonly title: string;
  readonly subtitle?: string;
  readonly media: string[];
  readonly actions: ContentDataAction[];
  /** The whole variant as JSON text, for fields this SDK does not model. */
  readonly rawData: string;
};

/** A content type this SDK does not know. */
export type ContentDataOther = {
  readonly type: "other";
  /** The whole variant as JSON text. */
  readonly rawData: string;
};

/** The data of one content template variant, discriminated by `type`. */
export type ContentData =
  | ContentDataText
  | ContentDataMedia
  | ContentDataLocation
  | ContentDataQuickReply
  | ContentDataCallToAction
  | ContentDataListPicker
  | ContentDataCard
  | ContentDataOther;

// ---- Classes ----

/** A variable of a {@link ContentTemplate}. */
export class ContentTemplateVariable {
  constructor(
    /** Name of the variable. */
    readonly name: string,
    /** Value of the variable. */
    readonly value: string,
  ) {}

  /** A copy of this variable with another value. */
  copyWithValue(value: string): ContentTemplateVariable {
    return new ContentTemplateVariable(this.name, value);
  }
}

/** A rich content template. */
export class ContentTemplate {
  /** Server-assigned unique identifier of the template. */
  readonly sid: string;
  /** Name describing the content, not visible to the recipient. */
  readonly friendlyName: string;
  /** Variables of the template. */
  readonly variables: ContentTemplateVariable[];
  /** Variants of the content by content type (e.g. `"twilio/text"`). */
  readonly variants: Map<string, ContentData>;
  readonly dateCreated: Date;
  readonly dateUpdated: Date;

  constructor(contentTemplateResponse: ContentTemplateResponse) {
    this.sid = contentTemplateResponse.sid;
    this.friendlyName = contentTemplateResponse.friendly_name;
    this.variables = parseVariables(contentTemplateResponse.variables);
    this.variants = new Map<string, ContentData>();
    for (const [type, data] of Object.entries(contentTemplateResponse.variants)) {
      this.variants.set(type, parseVariant(type, data));
    }
    this.dateCreated = new Date(contentTemplateResponse.date_created);
    this.dateUpdated = new Date(contentTemplateResponse.date_updated);
  }
}

/**
 * Converts one Content API variant (`type` like `"twilio/card"`) to {@link ContentData}. A
 * variant of an unknown type, or one missing a required field, becomes `{ type: "other" }`;
 * `rawData` always holds the whole variant as JSON text.
 */
export function parseVariant(type: string, data: unknown): ContentData {
  const rawData = JSON.stringify(data) ?? "null";
  const other: ContentDataOther = { type: "other", rawData };
  if (!isRecord(data)) return other;

  switch (type) {
    case "twilio/text": {
      if (typeof data.body !== "string") return other;
      return { type: "text", body: data.body, rawData };
    }
    case "twilio/media": {
      const media = stringArray(data.media);
      if (!media) return other;
      const body = optionalString(data.body);
      return { type: "media", ...(body === undefined ? {} : { body }), media, rawData };
    }
    case "twilio/location": {
      if (!isFiniteNumber(data.longitude) || !isFiniteNumber(data.latitude)) return other;
      const label = optionalString(data.label);
      return {
        type: "location",
        longitude: data.longitude,
        latitude: data.latitude,
        ...(label === undefined ? {} : { label }),
        rawData,
      };
    }
    case "twilio/quick-reply": {
      if (typeof data.body !== "string" || !Array.isArray(data.actions)) return other;
      const replies: ContentDataReply[] = [];
      for (const action of data.actions) {
        if (!isRecord(action) || typeof action.title !== "string") return other;
        const id = optionalString(action.id);
        replies.push({ title: action.title, ...(id === undefined ? {} : { id }) });
      }
      return { type: "quickReply", body: data.body, replies, rawData };
    }
    case "twilio/call-to-action": {
      if (typeof data.body !== "string" || !Array.isArray(data.actions)) return other;
      return { type: "callToAction", body: data.body, actions: data.actions.map(parseAction), rawData };
    }
    case "twilio/list-picker": {
      if (typeof data.body !== "string" || typeof data.button !== "string" || !Array.isArray(data.items)) return other;
      const items: ContentDataListItem[] = [];
      for (const item of data.items) {
        if (!isRecord(item) || typeof item.id !== "string" || typeof item.item !== "string") return other;
        const description = optionalString(item.description);
        items.push({ id: item.id, item: item.item, ...(description === undefined ? {} : { description }) });
      }
      return { type: "listPicker", body: data.body, button: data.button, items, rawData };
    }
    case "twilio/card": {
      if (typeof data.title !== "string") return other;
      const media = data.media === undefined ? [] : stringArray(data.media);
      const actions = data.actions === undefined ? [] : Array.isArray(data.actions) ? data.actions : undefined;
      if (!media || !actions) return other;
      const subtitle = optionalString(data.subtitle);
      return {
        type: "card",
        title: data.title,
        ...(subtitle === undefined ? {} : { subtitle }),
        media,
        actions: actions.map(parseAction),
        rawData,
      };
    }
    default:
      return other;
  }
}

/** Content API action types to {@link ContentDataAction}; defaults as in Twilio's SDK. */
function parseAction(action: unknown): ContentDataAction {
  const rawData = JSON.stringify(action) ?? "null";
  if (!isRecord(action) || typeof action.title !== "string") return { type: "other", rawData };
  const title = action.title;
  switch (action.type) {
    case "QUICK_REPLY":
      return {
        type: "reply",
        title,
        id: optionalString(action.id) ?? "",
        index: isFiniteNumber(action.index) ? action.index : 0,
        rawData,
      };
    case "PHONE_NUMBER":
      return { type: "phone", title, phone: optionalString(action.phone) ?? "", rawData };
    case "URL":
      return { type: "url", title, url: optionalString(action.url) ?? "", rawData };
    default:
      return { type: "other", rawData };
  }
}

/** The Content API's `variables` JSON object (name to value); `[]` when it is not one. */
function parseVariables(json: string): ContentTemplateVariable[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [];
  }
  if (!isRecord(parsed)) return [];
  return Object.entries(parsed).map(
    ([name, value]) => new ContentTemplateVariable(name, typeof value === "string" ? value : JSON.stringify(value) ?? ""),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item): item is string => typeof item === "string") ? [...value] : undefined;
}
