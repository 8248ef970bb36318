//! The demo's products: what each creator sells, with chapters and lessons written from
//! their titles, created and published through the creator's own use cases.

use kenning_app::accounts::CurrentUser;
use kenning_app::catalog::NewLesson;
use kenning_app::{AppError, Kenning};
use kenning_domain::catalog::{PriceList, ProductDraft, ProductKind, Release};
use kenning_domain::ids::ProductId;
use kenning_domain::locale::LocalizedText;
use kenning_domain::money::{Currency, Money};

use super::{Chapter, text};

/// A product to create: kind, titles, descriptions, prices (fen, cents), tags and
/// chapters of lessons (titles only; their text is written from the titles).
pub(super) struct DemoProduct {
    pub(super) kind: ProductKind,
    pub(super) title: (&'static str, &'static str),
    description: (&'static str, &'static str),
    cny_usd: Option<(i64, i64)>,
    tags: &'static [&'static str],
    chapters: &'static [Chapter],
}

pub(super) const LIN_WEI: &[DemoProduct] = &[
    DemoProduct {
        kind: ProductKind::Course,
        title: (
            "Rust in Practice: Building Fast Web Services",
            "Rust 实战：从零构建高性能 Web 服务",
        ),
        description: (
            "Build a production web service in Rust, from the first `cargo new` to a server that handles thousands of requests per second. Ownership, async, databases and testing, explained with one running project.",
            "用 Rust 从零构建一个可上线的 Web 服务：从第一个 `cargo new` 到每秒处理数千请求。所有权、异步、数据库与测试，围绕同一个项目讲透。",
        ),
        cny_usd: Some((19_900, 2_999)),
        tags: &["rust", "backend", "编程"],
        chapters: &[
            (
                ("Foundations", "基础"),
                &[
                    ("Why Rust for services", "为什么用 Rust 写服务"),
                    ("Ownership without tears", "轻松理解所有权"),
                    ("Errors as values", "把错误当作值"),
                ],
            ),
            (
                ("Going async", "异步进阶"),
                &[
                    ("Tokio and the event loop", "Tokio 与事件循环"),
                    ("Talking to a database with sqlx", "用 sqlx 访问数据库"),
                    ("Testing a real server", "测试真实的服务器"),
                ],
            ),
        ],
    },
    DemoProduct {
        kind: ProductKind::Course,
        title: (
            "Database Internals for Application Engineers",
            "写给应用工程师的数据库内核课",
        ),
        description: (
            "What happens between your query and the disk: B-trees, write-ahead logs, isolation levels and the indexes that make or break an application.",
            "从一条查询到磁盘之间发生了什么：B 树、预写日志、隔离级别，以及决定应用性能的索引。",
        ),
        cny_usd: Some((14_900, 2_199)),
        tags: &["database", "postgresql", "数据库"],
        chapters: &[
            (
                ("Storage", "存储"),
                &[
                    ("Pages and B-trees", "页与 B 树"),
                    ("The write-ahead log", "预写日志"),
                ],
            ),
            (
                ("Transactions", "事务"),
                &[
                    ("Isolation levels by example", "用例子讲隔离级别"),
                    ("Indexes that pay off", "值得建的索引"),
                ],
            ),
        ],
    },
    DemoProduct {
        kind: ProductKind::Course,
        title: ("Distributed Systems Basics", "分布式系统基础"),
        description: (
            "Clocks, replication, consensus and failure, with small experiments you can run on a laptop.",
            "时钟、复制、共识与故障处理，配合可以在笔记本上运行的小实验。",
        ),
        cny_usd: Some((29_900, 4_200)),
        tags: &["distributed systems", "分布式"],
        chapters: &[
            (
                ("Time and order", "时间与顺序"),
                &[
                    ("Why clocks lie", "为什么时钟不可靠"),
                    ("Logical clocks", "逻辑时钟"),
                ],
            ),
            (
                ("Agreement", "达成一致"),
                &[
                    ("Replication strategies", "复制策略"),
                    ("Raft in one afternoon", "一个下午读懂 Raft"),
                ],
            ),
        ],
    },
    DemoProduct {
        kind: ProductKind::Ebook,
        title: ("The Async Rust Handbook", "异步 Rust 手册"),
        description: (
            "A compact reference to futures, executors, pinning and cancellation, with patterns for real services.",
            "一本关于 Future、执行器、Pin 与取消的精简参考书，附真实服务中的常用模式。",
        ),
        cny_usd: Some((5_900, 899)),
        tags: &["rust", "async", "电子书"],
        chapters: &[(
            ("Chapters", "章节"),
            &[
                ("Futures are state machines", "Future 是状态机"),
                ("Executors and wakers", "执行器与唤醒器"),
                ("Cancellation safety", "取消安全"),
            ],
        )],
    },
    DemoProduct {
        kind: ProductKind::Report,
        title: ("State of Self-Hosting 2026", "2026 自托管软件现状报告"),
        description: (
            "Survey results from 4,000 operators: what they run, on what hardware, and what they pay for.",
            "来自 4000 位运维者的调查：他们运行什么软件、用什么硬件、愿意为什么付费。",
        ),
        cny_usd: Some((9_900, 1_499)),
        tags: &["self-hosting", "report", "报告"],
        chapters: &[(
            ("Sections", "章节"),
            &[
                ("Summary of findings", "主要发现"),
                ("Hardware and costs", "硬件与成本"),
                ("What people pay for", "用户愿意为什么付费"),
            ],
        )],
    },
    DemoProduct {
        kind: ProductKind::AudioSeries,
        title: ("Engineering Leadership Weekly", "技术管理每周谈"),
        description: (
            "Fifteen-minute episodes on hiring, feedback and running a team that ships.",
            "每期十五分钟，聊招聘、反馈，以及如何带出一支能交付的团队。",
        ),
        cny_usd: Some((6_900, 999)),
        tags: &["leadership", "management", "管理"],
        chapters: &[(
            ("Episodes", "节目"),
            &[
                (
                    "Episode 1: Your first week as a lead",
                    "第 1 期：当上组长的第一周",
                ),
                (
                    "Episode 2: One-on-ones that matter",
                    "第 2 期：有价值的一对一",
                ),
                (
                    "Episode 3: Hiring without guesswork",
                    "第 3 期：不靠猜的招聘",
                ),
            ],
        )],
    },
    DemoProduct {
        kind: ProductKind::LiveSession,
        title: (
            "Live Q&A: Async Rust in Production",
            "直播答疑：异步 Rust 生产实践",
        ),
        description: (
            "An hour of live questions and answers on running async Rust services. A ticket comes with the Rust in Practice course; the recording is kept for ticket holders.",
            "一小时直播答疑，聊聊异步 Rust 服务的上线与运维。购买《Rust 实战》课程即送门票；直播结束后持票人可看回放。",
        ),
        cny_usd: Some((2_900, 499)),
        tags: &["rust", "live", "直播"],
        chapters: &[(
            ("The session", "本场直播"),
            &[
                ("Agenda and how to ask", "议程与提问方式"),
                ("Replay", "直播回放"),
            ],
        )],
    },
    DemoProduct {
        kind: ProductKind::Bundle,
        title: ("Rust Starter Pack", "Rust 入门套装"),
        description: (
            "Rust in Practice and The Async Rust Handbook together, for less than the two apart. Own one already? You pay only for the other.",
            "《Rust 实战》课程与《异步 Rust 手册》合购，比分开买更划算。已经买过其中一件？只需为另一件付费。",
        ),
        cny_usd: Some((22_900, 3_499)),
        tags: &["rust", "bundle", "套装"],
        chapters: &[],
    },
    DemoProduct {
        kind: ProductKind::Membership,
        title: ("Lin Wei All Access", "林薇全站会员"),
        description: (
            "Every course, book, report and live session by Lin Wei, for as long as you are a member. Renews every month; cancel any time.",
            "林薇的全部课程、电子书、报告与直播，会员期内全部畅享。按月续费，随时可取消。",
        ),
        cny_usd: Some((4_900, 699)),
        tags: &["membership", "会员"],
        chapters: &[],
    },
    DemoProduct {
        kind: ProductKind::Consultation,
        title: (
            "Ask Lin Wei: one question on Rust services",
            "向林薇提问：Rust 服务端问题一问一答",
        ),
        description: (
            "Stuck on ownership, async or a slow endpoint? Ask one question and get a written answer within seven days, or your money back automatically.",
            "卡在所有权、异步或某个慢接口上？付费提一个问题，七天内得到书面回答；逾期未答自动全额退款。",
        ),
        cny_usd: Some((9_900, 1_499)),
        tags: &["rust", "付费问答", "consultation"],
        chapters: &[],
    },
];

pub(super) const MAYA_CHEN: &[DemoProduct] = &[
    DemoProduct {
        kind: ProductKind::Course,
        title: ("Mandarin for Travellers", "旅行汉语速成"),
        description: (
            "The phrases, tones and manners you need for two weeks in China, practised in real situations.",
            "在中国旅行两周所需的常用句、声调与礼仪，在真实场景中练习。",
        ),
        cny_usd: Some((9_900, 1_499)),
        tags: &["mandarin", "language", "汉语"],
        chapters: &[
            (
                ("Getting around", "出行"),
                &[
                    ("Greetings and tones", "问候与声调"),
                    ("Taking the metro", "乘坐地铁"),
                ],
            ),
            (
                ("Eating out", "用餐"),
                &[
                    ("Ordering food", "点菜"),
                    ("Paying and tipping", "付款与礼仪"),
                ],
            ),
        ],
    },
    DemoProduct {
        kind: ProductKind::Course,
        title: ("Public Speaking in 21 Days", "21 天演讲训练营"),
        description: (
            "A daily exercise, a short talk and feedback: three weeks from nervous to clear.",
            "每天一个练习、一段短演讲和一次反馈：三周从紧张到清晰表达。",
        ),
        cny_usd: Some((15_900, 2_299)),
        tags: &["speaking", "communication", "演讲"],
        chapters: &[
            (
                ("Week one", "第一周"),
                &[
                    ("Finding your message", "找到你的核心观点"),
                    ("Breathing and pace", "呼吸与语速"),
                ],
            ),
            (
                ("Week two", "第二周"),
                &[
                    ("Stories that stick", "让人记住的故事"),
                    ("Handling questions", "应对提问"),
                ],
            ),
        ],
    },
    DemoProduct {
        kind: ProductKind::AudioSeries,
        title: ("Chinese History in Thirty Episodes", "三十集讲中国史"),
        description: (
            "From the Shang to the Qing, one dynasty at a time, told as stories of people.",
            "从商到清，一集一个朝代，用人物故事讲历史。",
        ),
        cny_usd: Some((12_900, 1_899)),
        tags: &["history", "历史"],
        chapters: &[(
            ("Episodes", "节目"),
            &[
                ("Episode 1: Oracle bones", "第 1 集：甲骨文"),
                ("Episode 2: The first emperor", "第 2 集：始皇帝"),
                ("Episode 3: The Silk Road", "第 3 集：丝绸之路"),
            ],
        )],
    },
    DemoProduct {
        kind: ProductKind::AudioSeries,
        title: ("Reading the Classics Together", "经典共读"),
        description: (
            "We read one classic a month, a chapter per episode, with notes you can follow.",
            "每月共读一本经典，每期一章，附可跟读的笔记。",
        ),
        cny_usd: Some((4_900, 699)),
        tags: &["reading", "literature", "读书"],
        chapters: &[(
            ("Episodes", "节目"),
            &[
                ("The Analects, part 1", "《论语》（一）"),
                ("The Analects, part 2", "《论语》（二）"),
            ],
        )],
    },
    DemoProduct {
        kind: ProductKind::Ebook,
        title: ("Tea: A Field Guide", "中国茶田野指南"),
        description: (
            "Six families of tea, how they are made and how to brew each one well.",
            "六大茶类的制作工艺，以及每一种的冲泡方法。",
        ),
        cny_usd: Some((3_900, 599)),
        tags: &["tea", "culture", "茶"],
        chapters: &[(
            ("Chapters", "章节"),
            &[
                ("Green and white teas", "绿茶与白茶"),
                ("Oolong and dark teas", "乌龙茶与黑茶"),
            ],
        )],
    },
    DemoProduct {
        kind: ProductKind::Report,
        title: (
            "Knowledge Commerce in China 2026",
            "2026 中国知识付费行业报告",
        ),
        description: (
            "Market size, pricing, conversion and churn across platforms, with interviews of twenty creators.",
            "各平台的市场规模、定价、付费转化与流失，并附二十位创作者访谈。",
        ),
        cny_usd: Some((29_900, 4_299)),
        tags: &["market", "creator economy", "知识付费"],
        chapters: &[(
            ("Sections", "章节"),
            &[
                ("Market overview", "市场概览"),
                ("Pricing and conversion", "定价与转化"),
                ("Creator interviews", "创作者访谈"),
            ],
        )],
    },
    DemoProduct {
        kind: ProductKind::Circle,
        title: ("Morning Writers' Circle", "晨间写作圈"),
        description: (
            "A small circle that writes 300 words every morning. Each week Maya posts a prompt and reads what members share.",
            "每天早晨写 300 字的小圈子。Maya 每周发布一个写作题目，并阅读成员分享的文字。",
        ),
        cny_usd: Some((9_900, 1_499)),
        tags: &["writing", "community", "写作"],
        chapters: &[(
            ("Posts", "帖子"),
            &[
                ("Welcome: how the circle works", "欢迎：圈子怎么玩"),
                (
                    "Week 1 prompt: a place you miss",
                    "第 1 周题目：一个你想念的地方",
                ),
                (
                    "Week 2 prompt: one object, five senses",
                    "第 2 周题目：一件物品，五种感官",
                ),
            ],
        )],
    },
    DemoProduct {
        kind: ProductKind::Ebook,
        title: ("How to Learn Online", "在线学习入门指南"),
        description: (
            "A free short guide: set a goal, keep a rhythm, take notes that you will reread.",
            "免费的简短指南：定目标、保持节奏、做会回看的笔记。",
        ),
        cny_usd: None,
        tags: &["learning", "学习方法"],
        chapters: &[(
            ("Chapters", "章节"),
            &[("Set a goal", "设定目标"), ("Keep a rhythm", "保持节奏")],
        )],
    },
];

fn lesson_body(title: (&str, &str), product: (&str, &str), n: usize) -> LocalizedText {
    let en = format!(
        "## {}\n\nThis is lesson {} of *{}*.\n\nIn this lesson we work through the idea step by step:\n\n1. Why it matters\n2. A worked example\n3. A short exercise to try on your own\n\n> Tip: take notes as you go; you can come back to this lesson at any time.\n",
        title.0, n, product.0
    );
    let zh = format!(
        "## {}\n\n这是《{}》的第 {} 课时。\n\n本课时我们一步步讲清这个主题：\n\n1. 为什么重要\n2. 一个完整的例子\n3. 一个可以自己动手的小练习\n\n> 提示：边学边做笔记，你随时可以回到本课时。\n",
        title.1, product.1, n
    );
    text(&en, &zh)
}

pub(super) async fn publish_all(
    app: &Kenning,
    user: &CurrentUser,
    products: &[DemoProduct],
) -> Result<Vec<ProductId>, AppError> {
    let mut ids = Vec::new();
    for spec in products {
        let prices = match spec.cny_usd {
            Some((cny, usd)) => vec![
                Money::new(cny, Currency::CNY),
                Money::new(usd, Currency::USD),
            ],
            None => vec![],
        };
        let product = app
            .create_product(
                user,
                ProductDraft {
                    kind: spec.kind,
                    title: text(spec.title.0, spec.title.1),
                    description: text(spec.description.0, spec.description.1),
                    prices: PriceList::new(prices)?,
                    tags: spec.tags.iter().map(|t| (*t).to_owned()).collect(),
                },
            )
            .await?;
        let mut n = 0;
        for (chapter_title, lessons) in spec.chapters {
            let chapter = app
                .add_chapter(user, product.id, text(chapter_title.0, chapter_title.1))
                .await?;
            for title in *lessons {
                n += 1;
                app.add_lesson(
                    user,
                    product.id,
                    NewLesson {
                        chapter_id: Some(chapter.id),
                        title: text(title.0, title.1),
                        body: lesson_body(*title, spec.title, n),
                        // The first lesson of every product is a free preview.
                        preview: n == 1,
                        release: demo_release(spec.title.0, n),
                    },
                )
                .await?;
            }
        }
        app.publish(user, product.id).await?;
        ids.push(product.id);
    }
    Ok(ids)
}
/// The 21-day camp drips: lesson n opens n - 1 days after purchase, one a day.
fn demo_release(product_title: &str, n: usize) -> Release {
    match i64::try_from(n) {
        Ok(n) if product_title == "Public Speaking in 21 Days" && n > 1 => {
            Release::AfterDays { days: n - 1 }
        }
        _ => Release::Immediately,
    }
}
