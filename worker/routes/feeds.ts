// /history.rss, /history.atom and the SVG badges.
import { Hono } from "hono";
import type { AppEnv } from "../env";

export const feeds = new Hono<AppEnv>();
