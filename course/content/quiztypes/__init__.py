"""Registry of quiz types. Each type parses, checks, renders and grades the
same way from the outside; a new type is one new module registered here."""
from .base import Grade, GradeError, Incomplete, QuizType
from .conversation import ConversationQuiz
from .scenarios import ScenarioQuiz

QUIZ_TYPES: dict[str, QuizType] = {
    quiz_type.name: quiz_type for quiz_type in (ScenarioQuiz(), ConversationQuiz())
}
DEFAULT_TYPE = ScenarioQuiz.name

__all__ = ["QUIZ_TYPES", "DEFAULT_TYPE", "Grade", "GradeError", "Incomplete", "QuizType"]
