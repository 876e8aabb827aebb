"""Assessment quality: can a quiz be passed by test-wiseness instead of judgment?

    settings = load_settings(content_dir)      # quizzes/quality.yml, or the defaults
    report = analyse(catalog, settings)        # pure; never part of load_catalog
    report.problems                            # warnings as path:line, like the loader's

See report.py for the structure of the report and docs/authoring.md
("Quiz quality: what the check measures") for what each figure means.
"""
from .analysis import analyse
from .cues import DIRECTIONS, Feature, features
from .probability import conversation_pass_probability, pass_probability, pass_threshold
from .report import PASS_LIMIT, SHARE_LIMIT, CourseQuality, CueFigure, QualityReport, QuizQuality
from .settings import QUALITY_FILE, QualitySettings, load_settings, parse_settings

__all__ = [
    "CourseQuality", "CueFigure", "DIRECTIONS", "Feature", "PASS_LIMIT", "QUALITY_FILE", "QualityReport",
    "QualitySettings", "QuizQuality", "SHARE_LIMIT", "analyse", "conversation_pass_probability",
    "features", "load_settings", "parse_settings", "pass_probability", "pass_threshold",
]
